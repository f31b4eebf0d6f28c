-- The orders whose fact rows this run must (re)compute: orders, lines and payments extracted or
-- changed (or found deleted) in this run, plus orders that a late-arriving dimension version now
-- covers (the version is older than the order, so the order's key must move to it). A first load
-- computes every order and needs no list.
{% if is_incremental() %}
create temp table _affected_orders on commit drop as
select id as order_id from {{ batch_of('orders', 'orders') }}
union
select order_id from {{ batch_of('orders', 'order_items') }}
union
select order_id from {{ batch_of('payments', 'payments') }}
union
select id from {{ source('orders', 'orders') }} where _etl_run_id = {{ var('run_id') | lit }}
union
select order_id from {{ source('orders', 'order_items') }} where _etl_run_id = {{ var('run_id') | lit }}
union
select o.id
from {{ ref('dim_customer') }} d
join {{ source('orders', 'orders') }} o on o.customer_id = d.customer_id and o.created_at >= d.valid_from
where d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1
union
select o.id
from {{ ref('dim_employee') }} d
join {{ source('orders', 'orders') }} o on o.employee_id = d.employee_id and o.created_at >= d.valid_from
where d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1
union
select o.id
from {{ ref('dim_product') }} d
join {{ source('orders', 'order_items') }} oi on oi.product_id = d.product_id
join {{ source('orders', 'orders') }} o on o.id = oi.order_id and o.created_at >= d.valid_from
where d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1;
create unique index on _affected_orders (order_id);
analyze _affected_orders;

select count(*) as affected from _affected_orders;
{% else %}
select count(*) as affected from {{ source('orders', 'orders') }};
{% endif %}
