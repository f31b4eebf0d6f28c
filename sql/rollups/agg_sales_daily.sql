-- The four daily sales rollups (dwh.agg_sales_daily_region, _category, _manager, _payment_method),
-- rolled up again for every local day this run touched, right after fact_sales in the same
-- transaction: a dashboard over a year reads a few thousand rows and never the fact.
-- A day is touched when this run wrote one of its fact rows (new, changed, re-keyed by a late
-- dimension version, or marked deleted), or sold a product whose category changed in place (an
-- inferred product completed: its facts keep their key and are not rewritten). A fact row keeps its
-- day (the order's creation date never changes in the source), so the days a run wrote are all it can
-- have changed. A first load rolls up everything.
{% if is_incremental() %}
create temp table _rollup_days on commit drop as
select distinct order_date_key
from {{ ref('fact_sales') }}
where etl_run_id = {{ var('run_id') | lit }};

-- Usually empty: the scan of the fact by product runs only when a late product arrived.
do $$
begin
  if exists (select 1 from {{ ref('agg_pending_products') }}) then
    insert into _rollup_days
    select distinct f.order_date_key
    from {{ ref('fact_sales') }} f
    join {{ ref('agg_pending_products') }} p on p.product_key = f.product_key
    except
    select order_date_key from _rollup_days;
  end if;
end
$$;
analyze _rollup_days;
{% endif %}
delete from {{ ref('agg_pending_products') }};

-- One row per order and category: orders are counted once per group, however many lines they have.
create temp table _rollup_order_categories on commit drop as
with lines as (
  select
    -- ids
    f.order_id,
    -- keys
    f.order_date_key,
    f.region_key,
    f.employee_key,
    f.payment_method_key,
    coalesce(c.category_key, 0) as category_key,
    -- status
    f.is_revenue,
    f.order_status = 'refunded' as is_refunded,
    -- amounts
    f.quantity,
    f.gross_amount,
    f.discount_amount,
    f.net_amount
  from {{ ref('fact_sales') }} f
  left join {{ ref('dim_product') }} p on p.product_key = f.product_key
  left join {{ ref('dim_category') }} c on c.category_id = p.category_id
  where f.deleted_at is null
{% if is_incremental() %}
    and f.order_date_key in (select rd.order_date_key from _rollup_days rd)
{% endif %}
),
final as (
  select
    order_id,
    order_date_key,
    region_key,
    employee_key,
    payment_method_key,
    category_key,
    bool_or(is_revenue) as is_revenue,
    bool_or(is_refunded) as is_refunded,
    count(*) as order_lines,
    coalesce(sum(quantity) filter (where is_revenue), 0) as units,
    coalesce(sum(gross_amount) filter (where is_revenue), 0) as gross_revenue,
    coalesce(sum(discount_amount) filter (where is_revenue), 0) as discount_amount,
    coalesce(sum(net_amount) filter (where is_revenue), 0) as net_revenue,
    coalesce(sum(net_amount) filter (where is_refunded), 0) as refunded_amount
  from lines
  group by order_id, order_date_key, region_key, employee_key, payment_method_key, category_key
)
select * from final;

create temp table _rollup_orders on commit drop as
select
  order_id,
  order_date_key,
  region_key,
  employee_key,
  payment_method_key,
  bool_or(is_revenue) as is_revenue,
  bool_or(is_refunded) as is_refunded,
  sum(order_lines) as order_lines,
  sum(units) as units,
  sum(gross_revenue) as gross_revenue,
  sum(discount_amount) as discount_amount,
  sum(net_revenue) as net_revenue,
  sum(refunded_amount) as refunded_amount
from _rollup_order_categories
group by order_id, order_date_key, region_key, employee_key, payment_method_key;

{% set measures %}
  count(*) as orders,
  sum(order_lines) as order_lines,
  count(*) filter (where is_revenue) as revenue_orders,
  sum(units) as units,
  sum(gross_revenue) as gross_revenue,
  sum(discount_amount) as discount_amount,
  sum(net_revenue) as net_revenue,
  count(*) filter (where is_refunded) as refunded_orders,
  sum(refunded_amount) as refunded_amount
{% endset %}
{% set measure_columns %}
  orders, order_lines, revenue_orders, units, gross_revenue, discount_amount, net_revenue,
  refunded_orders, refunded_amount
{% endset %}
{% set rollups = [
  { 'table': 'agg_sales_daily_region', 'group_keys': 'order_date_key, region_key', 'source': '_rollup_orders' },
  { 'table': 'agg_sales_daily_category', 'group_keys': 'order_date_key, region_key, category_key', 'source': '_rollup_order_categories' },
  { 'table': 'agg_sales_daily_manager', 'group_keys': 'order_date_key, region_key, employee_key', 'source': '_rollup_orders' },
  { 'table': 'agg_sales_daily_payment_method', 'group_keys': 'order_date_key, region_key, payment_method_key', 'source': '_rollup_orders' }
] %}
{% for r in rollups %}
{% if is_incremental() %}
delete from {{ ref(r.table) }} where order_date_key in (select order_date_key from _rollup_days);
{% else %}
truncate {{ ref(r.table) }};
{% endif %}
{% endfor %}

with
{% for r in rollups %}
{{ r.table }} as (
  insert into {{ ref(r.table) }} ({{ r.group_keys }}, {{ measure_columns }}, etl_run_id)
  select {{ r.group_keys }}, {{ measures }}, {{ var('run_id') | lit }}
  from {{ r.source }}
  group by {{ r.group_keys }}
  -- in key order: a dashboard's range scan then reads a page per hundred rows, not one per row
  order by {{ r.group_keys }}
  returning 1
){{ ',' if not loop.last }}
{% endfor %}
select
{% if is_incremental() %}
  (select count(*) from _rollup_days) as rollup_days,
{% else %}
  (select count(distinct order_date_key) from _rollup_orders) as rollup_days,
{% endif %}
{% for r in rollups %}
  (select count(*) from {{ r.table }}){{ ' +' if not loop.last else ' as inserted,' }}
{% endfor %}
  0 as updated;

drop table _rollup_order_categories;
drop table _rollup_orders;
{% if is_incremental() %}
drop table _rollup_days;
{% endif %}
