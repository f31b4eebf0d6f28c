{% from "macros/merge.sql" import merge_changed %}
-- fact_sales at order-line grain for the affected orders: each line keyed to the dimension versions
-- valid when its order was created (the earliest version when the order predates them all), merged by
-- order_item_id so that any number of reruns gives the same table; unchanged rows are not rewritten.
-- Keys that depend only on the order are resolved once per order, not once per line.
{% set fact_rows %}
with orders as (
  select o.*
  from {{ source('orders', 'orders') }} o
{% if is_incremental() %}
  join _affected_orders a on a.order_id = o.id
{% endif %}
),
lines as (
  select oi.*
  from {{ source('orders', 'order_items') }} oi
{% if is_incremental() %}
  join _affected_orders a on a.order_id = oi.order_id
{% endif %}
),
-- the method of the payment that settled the order (the latest successful or refunded one)
settled_payments as (
  select distinct on (p.order_id) p.order_id, p.method
  from {{ source('payments', 'payments') }} p
{% if is_incremental() %}
  join _affected_orders a on a.order_id = p.order_id
{% endif %}
  where p.status in ('succeeded', 'refunded') and p._deleted_at is null
  order by p.order_id, p.created_at desc, p.id desc
),
keyed_orders as (
  select
    -- ids
    o.id as order_id,
    -- keys
    coalesce(dd.date_key, 0) as order_date_key,
    coalesce(c.customer_key, 0) as customer_key,
    coalesce(e.employee_key, 0) as employee_key,
    coalesce(r.region_key, 0) as region_key,
    coalesce(pm.payment_method_key, 0) as payment_method_key,
    -- status
    o.status as order_status,
    o.status in ('paid', 'shipped', 'delivered') as is_revenue,
    o.currency,
    -- timestamps
    o.created_at as order_created_at,
    o.updated_at as order_updated_at
  from orders o
  left join {{ ref('dim_customer') }} c
    on c.customer_id = o.customer_id
   and o.created_at < c.valid_to and (o.created_at >= c.valid_from or c.version = 1)
  left join {{ ref('dim_employee') }} e
    on e.employee_id = o.employee_id
   and o.created_at < e.valid_to and (o.created_at >= e.valid_from or e.version = 1)
  left join {{ ref('dim_region') }} r on r.region_id = c.region_id
  left join settled_payments sp on sp.order_id = o.id
  left join {{ ref('dim_payment_method') }} pm on pm.payment_method_id = sp.method
  left join {{ ref('dim_date') }} dd on dd.full_date = (o.created_at at time zone {{ var('business_tz') | lit }})::date
),
final as (
  select
    -- ids
    l.id as order_item_id,
    l.order_id,
    -- keys
    ko.order_date_key,
    ko.customer_key,
    coalesce(p.product_key, 0) as product_key,
    ko.employee_key,
    ko.region_key,
    ko.payment_method_key,
    -- status
    ko.order_status,
    ko.is_revenue,
    -- amounts
    l.quantity,
    l.unit_price,
    (l.quantity * l.unit_price)::numeric(14,2) as gross_amount,
    l.discount_amount,
    (l.quantity * l.unit_price - l.discount_amount)::numeric(14,2) as net_amount,
    ko.currency,
    -- timestamps
    ko.order_created_at,
    greatest(l.updated_at, ko.order_updated_at) as source_updated_at,
    l._deleted_at as deleted_at
  from lines l
  join keyed_orders ko on ko.order_id = l.order_id
  left join {{ ref('dim_product') }} p
    on p.product_id = l.product_id
   and ko.order_created_at < p.valid_to and (ko.order_created_at >= p.valid_from or p.version = 1)
)
select * from final
{% endset %}
{# every column but the key, named once: the first load's insert and the merge both use them #}
{% set columns = [
  'order_id', 'order_date_key', 'customer_key', 'product_key', 'employee_key', 'region_key',
  'payment_method_key', 'order_status', 'is_revenue', 'quantity', 'unit_price', 'gross_amount',
  'discount_amount', 'net_amount', 'currency', 'order_created_at', 'source_updated_at', 'deleted_at'
] %}

{% if not is_incremental() %}
-- first load: the table is empty (the runner defers its indexes, key included, around this model).
-- TRUNCATE gives it a new file in this transaction, which PostgreSQL then fills without writing WAL
-- (wal_level = minimal, see ops/infra/parts/postgres.ts): a third of the insert's time.
truncate {{ ref('fact_sales') }};

insert into {{ ref('fact_sales') }} (order_item_id, {{ columns | join(', ') }}, etl_run_id)
select order_item_id, {{ columns | join(', ') }}, {{ var('run_id') | lit }}
from ({{ fact_rows }}) as k;

{% else %}
create temp table _fact_rows on commit drop as
{{ fact_rows }};
-- a day's rows against millions: with statistics the merge looks its rows up by key instead of
-- hashing the whole fact
analyze _fact_rows;

-- The rollups add this merge's change to what they hold (sql/rollups/agg_sales_daily.sql), so they
-- need the live lines of every order it may rewrite as they are before it: whole orders (each order's
-- first line is found within its own lines), and a line moving to another order brings its old one.
create temp table _rollup_orders on commit drop as
select order_id from _affected_orders
union
select f.order_id
from _fact_rows k
join {{ ref('fact_sales') }} f on f.order_item_id = k.order_item_id;
-- as for _affected_orders: without statistics the lookups of these orders' lines hash the whole fact
analyze _rollup_orders;

create temp table _rollup_before on commit drop as
select
  -- ids
  f.order_item_id,
  f.order_id,
  -- keys
  f.order_date_key,
  f.region_key,
  f.employee_key,
  f.payment_method_key,
  f.product_key,
  -- status
  f.is_revenue,
  f.order_status,
  -- amounts
  f.quantity,
  f.gross_amount,
  f.discount_amount,
  f.net_amount
from {{ ref('fact_sales') }} f
where f.order_id in (select r.order_id from _rollup_orders r) and f.deleted_at is null;

-- what the merge is about to do, counted by key lookups (counting the whole fact around it costs more
-- than the merge)
select
  count(*) filter (where f.order_item_id is null) as inserted,
  count(*) filter (where k.deleted_at is not null and f.deleted_at is null) as deleted
from _fact_rows k
left join {{ ref('fact_sales') }} f on f.order_item_id = k.order_item_id;

{{ merge_changed(ref('fact_sales'), '_fact_rows', 'order_item_id', columns, var('run_id')) }}

drop table _fact_rows;
{% endif %}
