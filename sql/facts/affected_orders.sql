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
select order_id from {{ source('orders', 'order_items') }} where _etl_run_id = {{ var('run_id') | lit }};
create unique index on _affected_orders (order_id);

-- Orders created since a new version (of this run) of their customer, employee or product began: their
-- keys move to it. They are found by creation time (a new version usually starts today), not through
-- indexes on customer, employee or product, which would cost every merge a write on a random page per
-- changed row. The bound goes in as a literal: as a parameter the planner guesses it covers a third of
-- the orders and scans every order line.
do $$
declare
  since timestamptz;
begin
  select min(valid_from) into since from (
    select valid_from from {{ ref('dim_customer') }} where etl_run_id = {{ var('run_id') | lit }} and version > 1
    union all
    select valid_from from {{ ref('dim_employee') }} where etl_run_id = {{ var('run_id') | lit }} and version > 1
    union all
    select valid_from from {{ ref('dim_product') }} where etl_run_id = {{ var('run_id') | lit }} and version > 1
  ) as new_versions;
  if since is null then
    return;
  end if;
  execute format($late$
    insert into _affected_orders
    select o.id
    from {{ source('orders', 'orders') }} o
    join {{ ref('dim_customer') }} d on d.customer_id = o.customer_id and o.created_at >= d.valid_from
    where o.created_at >= %1$L and d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1
    union
    select o.id
    from {{ source('orders', 'orders') }} o
    join {{ ref('dim_employee') }} d on d.employee_id = o.employee_id and o.created_at >= d.valid_from
    where o.created_at >= %1$L and d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1
    union
    select o.id
    from {{ source('orders', 'orders') }} o
    join {{ source('orders', 'order_items') }} oi on oi.order_id = o.id
    join {{ ref('dim_product') }} d on d.product_id = oi.product_id and o.created_at >= d.valid_from
    where o.created_at >= %1$L and d.etl_run_id = {{ var('run_id') | lit }} and d.version > 1
    on conflict do nothing
  $late$, since);
end
$$;
analyze _affected_orders;

select count(*) as affected from _affected_orders;
{% else %}
select count(*) as affected from {{ source('orders', 'orders') }};
{% endif %}
