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

{% set rollups = [
  { 'table': 'agg_sales_daily_region', 'group_keys': 'order_date_key, region_key', 'first_line': 'first_of_order' },
  { 'table': 'agg_sales_daily_category', 'group_keys': 'order_date_key, region_key, category_key', 'first_line': 'first_in_category' },
  { 'table': 'agg_sales_daily_manager', 'group_keys': 'order_date_key, region_key, employee_key', 'first_line': 'first_of_order' },
  { 'table': 'agg_sales_daily_payment_method', 'group_keys': 'order_date_key, region_key, payment_method_key', 'first_line': 'first_of_order' }
] %}
{% set measure_columns %}
  orders, order_lines, revenue_orders, units, gross_revenue, discount_amount, net_revenue,
  refunded_orders, refunded_amount
{% endset %}
{#
  Orders are counted by one line each: the first line of the order (the day, region, manager and
  payment method are the order's, so the order falls in one group of those rollups), or the first of its
  lines in a category (an order with lines in two categories counts once in each). Every measure is then
  a plain sum or count over the lines, done in one pass per rollup: no per-order staging tables and no
  count(distinct). Revenue and refund are the order's status, the same on all its lines.
#}
{% macro measures(first_line) %}
  count(*) filter (where {{ first_line }}) as orders,
  count(*) as order_lines,
  count(*) filter (where {{ first_line }} and is_revenue) as revenue_orders,
  coalesce(sum(quantity) filter (where is_revenue), 0) as units,
  coalesce(sum(gross_cents) filter (where is_revenue), 0) / 100.0 as gross_revenue,
  coalesce(sum(discount_cents) filter (where is_revenue), 0) / 100.0 as discount_amount,
  coalesce(sum(net_cents) filter (where is_revenue), 0) / 100.0 as net_revenue,
  count(*) filter (where {{ first_line }} and is_refunded) as refunded_orders,
  coalesce(sum(net_cents) filter (where is_refunded), 0) / 100.0 as refunded_amount
{% endmacro %}
{% for r in rollups %}
{% if is_incremental() %}
delete from {{ ref(r.table) }} where order_date_key in (select order_date_key from _rollup_days);
{% else %}
truncate {{ ref(r.table) }};
{% endif %}
{% endfor %}

with lines as materialized (
  select
    -- keys
    f.order_date_key,
    f.region_key,
    f.employee_key,
    f.payment_method_key,
    coalesce(c.category_key, 0) as category_key,
    -- which lines count their order: the first of the order, the first of the order in its category
    -- (lags over one sort, null on the very first line; a row_number() per partition costs a window
    -- node each)
    coalesce(lag(f.order_id) over (by_order) <> f.order_id, true) as first_of_order,
    coalesce(
      lag(f.order_id) over (by_order) <> f.order_id
      or lag(coalesce(c.category_key, 0)) over (by_order) <> coalesce(c.category_key, 0),
      true
    ) as first_in_category,
    -- status
    f.is_revenue,
    f.order_status = 'refunded' as is_refunded,
    -- amounts, in cents: sum(bigint) adds machine integers where sum(numeric) works digit by digit
    -- (a fifth of the model's CPU time at scale 1); exact, and divided back below
    f.quantity,
    (f.gross_amount * 100)::bigint as gross_cents,
    (f.discount_amount * 100)::bigint as discount_cents,
    (f.net_amount * 100)::bigint as net_cents
  from {{ ref('fact_sales') }} f
  left join {{ ref('dim_product') }} p on p.product_key = f.product_key
  left join {{ ref('dim_category') }} c on c.category_id = p.category_id
  where f.deleted_at is null
{% if is_incremental() %}
    and f.order_date_key in (select rd.order_date_key from _rollup_days rd)
{% endif %}
  window by_order as (order by f.order_id, coalesce(c.category_key, 0), f.order_item_id)
),
{% for r in rollups %}
{{ r.table }} as (
  insert into {{ ref(r.table) }} ({{ r.group_keys }}, {{ measure_columns }}, etl_run_id)
  select {{ r.group_keys }}, {{ measures(r.first_line) }}, {{ var('run_id') | lit }}
  from lines
  group by {{ r.group_keys }}
  -- in key order: a dashboard's range scan then reads a page per hundred rows, not one per row
  order by {{ r.group_keys }}
  returning order_date_key
){{ ',' if not loop.last }}
{% endfor %}
select
{% if is_incremental() %}
  (select count(*) from _rollup_days) as rollup_days,
{% else %}
  (select count(distinct order_date_key) from agg_sales_daily_region) as rollup_days,
{% endif %}
{% for r in rollups %}
  (select count(*) from {{ r.table }}){{ ' +' if not loop.last else ' as inserted,' }}
{% endfor %}
  0 as updated;

{% if is_incremental() %}
drop table _rollup_days;
{% endif %}
