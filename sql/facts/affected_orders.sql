-- The orders whose fact rows this run must (re)compute: orders, lines and payments this run wrote to
-- their mirrors (changed, new, or found deleted), plus orders that a late-arriving dimension version
-- now covers (the version is older than the order, so the order's key must move to it). A first load
-- computes every order and needs no list.
-- Rows a run extracted but did not change are not here: the guarded batch → mirror merge already
-- recognised them (it stamps only the rows it writes), so a re-read of an unchanged table (`etl reset`)
-- costs its extract and that merge, not a re-keying of every line against the dimensions (issue 18).
{% if is_incremental() %}
create temp table _affected_orders on commit drop as
select id as order_id from {{ source('orders', 'orders') }} where _etl_run_id = {{ var('run_id') | lit }}
union
select order_id from {{ source('orders', 'order_items') }} where _etl_run_id = {{ var('run_id') | lit }}
union
select order_id from {{ source('payments', 'payments') }} where _etl_run_id = {{ var('run_id') | lit }}
{% if var('run_kind') == 'backfill' %}
-- A backfill also repairs: operators run it after incidents, when the warehouse may hold what its
-- sources do not. The lines and orders it read are compared with the fact on what comes from them
-- alone (no dimension lookups); an order whose fact disagrees, or misses a line, is recomputed.
union
select l.order_id
from (select id from {{ batch_of('orders', 'order_items') }}) b
join {{ source('orders', 'order_items') }} l on l.id = b.id
join {{ source('orders', 'orders') }} o on o.id = l.order_id
left join {{ ref('fact_sales') }} f on f.order_item_id = l.id
where f.order_item_id is null
   or (f.order_id, f.quantity, f.unit_price, f.gross_amount, f.discount_amount, f.net_amount,
       f.order_status, f.currency, f.order_created_at, f.deleted_at is null)
      is distinct from
      (l.order_id, l.quantity, l.unit_price, (l.quantity * l.unit_price)::numeric(14, 2), l.discount_amount,
       (l.quantity * l.unit_price - l.discount_amount)::numeric(14, 2),
       o.status, o.currency, o.created_at, l._deleted_at is null)
union
select o.id
from (select id from {{ batch_of('orders', 'orders') }}) b
join {{ source('orders', 'orders') }} o on o.id = b.id
join {{ ref('fact_sales') }} f on f.order_id = o.id
where (f.order_status, f.currency, f.order_created_at) is distinct from (o.status, o.currency, o.created_at)
{% endif %};
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

-- Orders of customers completed in place (an inferred member became the real customer, with its
-- region): their facts keep the customer's key but must take the customer's region_key. The trigger of
-- migration 017 notes those keys; usually there are none, and the scan of the orders by customer runs
-- only when a late customer arrived.
do $$
begin
  if exists (select 1 from {{ ref('fact_pending_customers') }}) then
    insert into _affected_orders
    select o.id
    from {{ source('orders', 'orders') }} o
    join {{ ref('dim_customer') }} d on d.customer_id = o.customer_id
    join {{ ref('fact_pending_customers') }} p on p.customer_key = d.customer_key
    on conflict do nothing;
  end if;
end
$$;
analyze _affected_orders;
{% endif %}
-- a first load computes every order, so its notes are moot too
delete from {{ ref('fact_pending_customers') }};

{% if is_incremental() %}
select count(*) as affected from _affected_orders;
{% else %}
select count(*) as affected from {{ source('orders', 'orders') }};
{% endif %}
