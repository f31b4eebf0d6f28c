-- The four daily sales rollups (dwh.agg_sales_daily_region, _category, _manager, _payment_method),
-- kept right after fact_sales in the same transaction: a dashboard over a year reads a few thousand
-- rows and never the fact. A first load rolls up everything.
-- Incrementally the rollups take this run's change to the fact: per group, what the lines of the
-- orders the fact merge rewrote add up to now, less what they added up to before it (fact_sales.sql
-- keeps them in _rollup_before). The work is proportional to the orders changed, not to the days they
-- fall on (a CDC micro-batch a second used to roll up each whole day it touched, every time).
-- Days are rolled up again whole instead where the change cannot be trusted to apply: a backfill
-- repairs facts the rollups may have been built from (the days it wrote), and a product whose category
-- changed in place (an inferred product completed: its facts keep their key and are not rewritten)
-- moves lines between groups that no fact row records (the days it sold on; usually none). So are the
-- days of a run that rewrote many orders (a CDC catch-up, a run after a long pause): it covers most
-- of each day it touched, and taking its change reads those lines twice (before and after).
-- bench:cdc's catch-up at scale 1: rollups 17 s by whole days, 36 s by change (decision 0028).
{% set whole_days_from_orders = 10000 %}
{% if is_incremental() %}
create temp table _rollup_days on commit drop as
select distinct order_date_key
from {{ ref('fact_sales') }}
{% if var('run_kind') == 'backfill' %}
where etl_run_id = {{ var('run_id') | lit }};
{% else %}
where etl_run_id = {{ var('run_id') | lit }}
  and (select count(*) from _rollup_orders) >= {{ whole_days_from_orders }};
{% endif %}

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
{# The same measures over lines that each count `sign` times (+1 now, -1 before): a change to them. #}
{% macro signed_measures(first_line) %}
  coalesce(sum(sign) filter (where {{ first_line }}), 0) as orders,
  sum(sign) as order_lines,
  coalesce(sum(sign) filter (where {{ first_line }} and is_revenue), 0) as revenue_orders,
  coalesce(sum(sign * quantity) filter (where is_revenue), 0) as units,
  coalesce(sum(sign * gross_cents) filter (where is_revenue), 0) / 100.0 as gross_revenue,
  coalesce(sum(sign * discount_cents) filter (where is_revenue), 0) / 100.0 as discount_amount,
  coalesce(sum(sign * net_cents) filter (where is_revenue), 0) / 100.0 as net_revenue,
  coalesce(sum(sign) filter (where {{ first_line }} and is_refunded), 0) as refunded_orders,
  coalesce(sum(sign * net_cents) filter (where is_refunded), 0) / 100.0 as refunded_amount
{% endmacro %}
{% set measure_names = ['orders', 'order_lines', 'revenue_orders', 'units', 'gross_revenue', 'discount_amount',
  'net_revenue', 'refunded_orders', 'refunded_amount'] %}
{#
  The lines to roll up, each with its keys, whether it counts its order (the first line of the order;
  the first of the order in its category) and its amounts in cents. `states` gives the lines with a
  `sign` and the order they belong to; orders are never split across states, and each state is
  flagged on its own.
#}
{% macro flagged_lines(states) %}
select
  -- keys
  s.order_date_key,
  s.region_key,
  s.employee_key,
  s.payment_method_key,
  coalesce(c.category_key, 0) as category_key,
  -- which lines count their order: the first of the order, the first of the order in its category
  -- (lags over one sort, null on the very first line; a row_number() per partition costs a window
  -- node each)
  coalesce(lag(s.order_id) over (by_order) <> s.order_id, true) as first_of_order,
  coalesce(
    lag(s.order_id) over (by_order) <> s.order_id
    or lag(coalesce(c.category_key, 0)) over (by_order) <> coalesce(c.category_key, 0),
    true
  ) as first_in_category,
  -- status
  s.is_revenue,
  s.order_status = 'refunded' as is_refunded,
  -- amounts, in cents: sum(bigint) adds machine integers where sum(numeric) works digit by digit
  -- (a fifth of the model's CPU time at scale 1); exact, and divided back below
  s.sign,
  s.quantity,
  (s.gross_amount * 100)::bigint as gross_cents,
  (s.discount_amount * 100)::bigint as discount_cents,
  (s.net_amount * 100)::bigint as net_cents
from ({{ states }}) s
left join {{ ref('dim_product') }} p on p.product_key = s.product_key
left join {{ ref('dim_category') }} c on c.category_id = p.category_id
window by_order as (partition by s.sign order by s.order_id, coalesce(c.category_key, 0), s.order_item_id)
{% endmacro %}
{% set fact_columns %}
f.order_item_id, f.order_id, f.order_date_key, f.region_key, f.employee_key, f.payment_method_key,
  f.product_key, f.is_revenue, f.order_status, f.quantity, f.gross_amount, f.discount_amount, f.net_amount
{% endset %}

{% if not is_incremental() %}
{% for r in rollups %}
truncate {{ ref(r.table) }};
{% endfor %}

{% set every_line %}
select 1 as sign, {{ fact_columns }} from {{ ref('fact_sales') }} f where f.deleted_at is null
{% endset %}
with lines as materialized (
{{ flagged_lines(every_line) }}
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
  (select count(distinct order_date_key) from agg_sales_daily_region) as rollup_days,
{% for r in rollups %}
  (select count(*) from {{ r.table }}){{ ' +' if not loop.last else ' as inserted,' }}
{% endfor %}
  0 as updated;

{% else %}
-- days rolled up again whole start from nothing
{% for r in rollups %}
delete from {{ ref(r.table) }} where order_date_key in (select order_date_key from _rollup_days);
{% endfor %}

{% set changes %}
-- the rewritten orders' lines before the fact merge, taken away
select -1 as sign, {{ fact_columns }}
from _rollup_before f
where f.order_date_key not in (select order_date_key from _rollup_days)
union all
-- and as they are now, added
select 1 as sign, {{ fact_columns }}
from {{ ref('fact_sales') }} f
where f.order_id in (select r.order_id from _rollup_orders r)
  and f.deleted_at is null
  and f.order_date_key not in (select order_date_key from _rollup_days)
union all
-- every line of a day rolled up again whole
select 1 as sign, {{ fact_columns }}
from {{ ref('fact_sales') }} f
where f.order_date_key in (select order_date_key from _rollup_days) and f.deleted_at is null
{% endset %}
create temp table _rollup_lines on commit drop as
{{ flagged_lines(changes) }};

with
{% for r in rollups %}
{{ r.table }}_change as (
  select {{ r.group_keys }}, {{ signed_measures(r.first_line) }}
  from _rollup_lines
  group by {{ r.group_keys }}
),
{{ r.table }} as (
  insert into {{ ref(r.table) }} as t ({{ r.group_keys }}, {{ measure_columns }}, etl_run_id)
  select {{ r.group_keys }}, {{ measure_columns }}, {{ var('run_id') | lit }}
  from {{ r.table }}_change
  -- a group whose lines changed in ways these measures do not see keeps its row as it is
  where ({{ measure_columns }}) is distinct from ({% for m in measure_names %}0{{ ', ' if not loop.last }}{% endfor %})
  on conflict ({{ r.group_keys }}) do update set
{% for m in measure_names %}
    {{ m }} = t.{{ m }} + excluded.{{ m }},
{% endfor %}
    loaded_at = now(),
    etl_run_id = excluded.etl_run_id
  returning (xmax = 0) as inserted
){{ ',' if not loop.last }}
{% endfor %}
select
  (select count(distinct order_date_key) from _rollup_lines) as rollup_days,
{% for r in rollups %}
  (select count(*) filter (where inserted) from {{ r.table }}){{ ' +' if not loop.last else ' as inserted,' }}
{% endfor %}
{% for r in rollups %}
  (select count(*) filter (where not inserted) from {{ r.table }}){{ ' +' if not loop.last else ' as updated;' }}
{% endfor %}

-- a group whose last line went (deleted, or moved to another group) goes too
{% for r in rollups %}
delete from {{ ref(r.table) }}
where order_lines = 0 and order_date_key in (select l.order_date_key from _rollup_lines l);
{% endfor %}

drop table _rollup_lines;
drop table _rollup_days;
{% endif %}
