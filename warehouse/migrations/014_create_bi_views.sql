-- Views for BI tools (issue 16, docs/bi.md). All are security_invoker: the tables behind them are read
-- with the privileges and row-level security of whoever queries the view, so a regional user sees
-- only their regions through every view. Dimensions are left-joined so that a measure never vanishes
-- when a dimension row is hidden (a manager working in another region shows with a null name).
-- Lines deleted in the source (fact_sales.deleted_at) are left out everywhere.

-- dimensions -----------------------------------------------------------------------------------------

create or replace view bi.calendar with (security_invoker = true) as
select
  date_key, full_date, year, quarter, month, month_name, year_month,
  (date_trunc('week', full_date))::date as week_start,
  iso_week, day_of_month, day_of_week, day_name, is_weekend
from dwh.dim_date
where date_key <> 0;

create or replace view bi.regions with (security_invoker = true) as
select region_key, region_code, region_name
from dwh.dim_region;

create or replace view bi.categories with (security_invoker = true) as
select category_key, category_id, category_name, parent_category_name, top_category_name, category_path, depth
from dwh.dim_category;

create or replace view bi.products with (security_invoker = true) as
select
  p.product_key, p.product_id, p.sku, p.product_name, coalesce(c.category_key, 0) as category_key,
  p.list_price, p.is_active, p.valid_from, p.valid_to, p.is_current
from dwh.dim_product p
left join dwh.dim_category c on c.category_id = p.category_id;

create or replace view bi.managers with (security_invoker = true) as
select
  e.employee_key, e.employee_id, e.full_name as manager_name, e.position, r.region_key,
  e.is_active, e.valid_from, e.valid_to, e.is_current
from dwh.dim_employee e
left join dwh.dim_region r on r.region_id = e.region_id;

create or replace view bi.payment_methods with (security_invoker = true) as
select payment_method_key, payment_method_id, payment_method_name, is_online
from dwh.dim_payment_method;

-- order lines (drill-through) -------------------------------------------------------------------------

create or replace view bi.sales with (security_invoker = true) as
select
  -- ids
  f.order_item_id,
  f.order_id,
  -- keys and names
  f.order_date_key,
  d.full_date as order_date,
  f.region_key,
  r.region_code,
  r.region_name,
  coalesce(c.category_key, 0) as category_key,
  c.category_name,
  c.top_category_name,
  f.product_key,
  p.sku,
  p.product_name,
  f.employee_key,
  e.full_name as manager_name,
  f.payment_method_key,
  m.payment_method_name,
  -- status
  f.order_status,
  f.is_revenue,
  f.order_status = 'refunded' as is_refunded,
  -- amounts
  f.quantity,
  f.unit_price,
  f.gross_amount,
  f.discount_amount,
  f.net_amount,
  case when f.is_revenue then f.net_amount else 0 end as net_revenue,
  f.currency,
  -- timestamps
  f.order_created_at
from dwh.fact_sales f
left join dwh.dim_date d on d.date_key = f.order_date_key
left join dwh.dim_region r on r.region_key = f.region_key
left join dwh.dim_product p on p.product_key = f.product_key
left join dwh.dim_category c on c.category_id = p.category_id
left join dwh.dim_employee e on e.employee_key = f.employee_key
left join dwh.dim_payment_method m on m.payment_method_key = f.payment_method_key
where f.deleted_at is null;

-- daily rollups ----------------------------------------------------------------------------------------

create or replace view bi.sales_daily with (security_invoker = true) as
select
  a.order_date_key, d.full_date as order_date, a.region_key, r.region_code, r.region_name,
  a.orders, a.order_lines, a.revenue_orders, a.units, a.gross_revenue, a.discount_amount, a.net_revenue,
  round(a.net_revenue / nullif(a.revenue_orders, 0), 2) as average_order_value,
  round(a.discount_amount / nullif(a.gross_revenue, 0), 4) as discount_share,
  a.refunded_orders, a.refunded_amount
from dwh.agg_sales_daily_region a
left join dwh.dim_date d on d.date_key = a.order_date_key
left join dwh.dim_region r on r.region_key = a.region_key;

create or replace view bi.sales_daily_by_category with (security_invoker = true) as
select
  a.order_date_key, d.full_date as order_date, a.region_key, r.region_code, r.region_name,
  a.category_key, c.category_name, c.top_category_name, c.category_path,
  a.orders, a.order_lines, a.revenue_orders, a.units, a.gross_revenue, a.discount_amount, a.net_revenue,
  round(a.net_revenue / nullif(a.revenue_orders, 0), 2) as average_order_value,
  round(a.discount_amount / nullif(a.gross_revenue, 0), 4) as discount_share,
  a.refunded_orders, a.refunded_amount
from dwh.agg_sales_daily_category a
left join dwh.dim_date d on d.date_key = a.order_date_key
left join dwh.dim_region r on r.region_key = a.region_key
left join dwh.dim_category c on c.category_key = a.category_key;

create or replace view bi.sales_daily_by_manager with (security_invoker = true) as
select
  a.order_date_key, d.full_date as order_date, a.region_key, r.region_code, r.region_name,
  a.employee_key, e.employee_id, e.full_name as manager_name,
  a.orders, a.order_lines, a.revenue_orders, a.units, a.gross_revenue, a.discount_amount, a.net_revenue,
  round(a.net_revenue / nullif(a.revenue_orders, 0), 2) as average_order_value,
  round(a.discount_amount / nullif(a.gross_revenue, 0), 4) as discount_share,
  a.refunded_orders, a.refunded_amount
from dwh.agg_sales_daily_manager a
left join dwh.dim_date d on d.date_key = a.order_date_key
left join dwh.dim_region r on r.region_key = a.region_key
left join dwh.dim_employee e on e.employee_key = a.employee_key;

create or replace view bi.sales_daily_by_payment_method with (security_invoker = true) as
select
  a.order_date_key, d.full_date as order_date, a.region_key, r.region_code, r.region_name,
  a.payment_method_key, m.payment_method_id, m.payment_method_name, m.is_online,
  a.orders, a.order_lines, a.revenue_orders, a.units, a.gross_revenue, a.discount_amount, a.net_revenue,
  round(a.net_revenue / nullif(a.revenue_orders, 0), 2) as average_order_value,
  round(a.discount_amount / nullif(a.gross_revenue, 0), 4) as discount_share,
  a.refunded_orders, a.refunded_amount
from dwh.agg_sales_daily_payment_method a
left join dwh.dim_date d on d.date_key = a.order_date_key
left join dwh.dim_region r on r.region_key = a.region_key
left join dwh.dim_payment_method m on m.payment_method_key = a.payment_method_key;

-- by product there is no rollup (too many rows per day): this view aggregates the order lines, so
-- filter it by date
create or replace view bi.sales_daily_by_product with (security_invoker = true) as
select
  f.order_date_key, d.full_date as order_date, f.region_key, r.region_code, r.region_name,
  f.product_key, p.sku, p.product_name, coalesce(c.category_key, 0) as category_key, c.category_name,
  count(distinct f.order_id)::integer as orders,
  count(*)::integer as order_lines,
  (count(distinct f.order_id) filter (where f.is_revenue))::integer as revenue_orders,
  coalesce(sum(f.quantity) filter (where f.is_revenue), 0)::bigint as units,
  coalesce(sum(f.gross_amount) filter (where f.is_revenue), 0)::numeric(16,2) as gross_revenue,
  coalesce(sum(f.discount_amount) filter (where f.is_revenue), 0)::numeric(16,2) as discount_amount,
  coalesce(sum(f.net_amount) filter (where f.is_revenue), 0)::numeric(16,2) as net_revenue,
  (count(distinct f.order_id) filter (where f.order_status = 'refunded'))::integer as refunded_orders,
  coalesce(sum(f.net_amount) filter (where f.order_status = 'refunded'), 0)::numeric(16,2) as refunded_amount
from dwh.fact_sales f
left join dwh.dim_date d on d.date_key = f.order_date_key
left join dwh.dim_region r on r.region_key = f.region_key
left join dwh.dim_product p on p.product_key = f.product_key
left join dwh.dim_category c on c.category_id = p.category_id
where f.deleted_at is null
group by f.order_date_key, d.full_date, f.region_key, r.region_code, r.region_name,
  f.product_key, p.sku, p.product_name, c.category_key, c.category_name;

-- comments: one text per column name, the same wherever the column appears ----------------------------

do $$
declare
  v record;
  c record;
  text_of text;
  views constant jsonb := jsonb_build_object(
    'calendar', 'Calendar days (local business dates, BUSINESS_TZ) to filter and group sales by date',
    'regions', 'Regions of Ukraine; a regional user sees only their own',
    'categories', 'Product categories with their place in the tree',
    'products', 'Product versions (a new one when name, category or price changed); sales point at the version sold',
    'managers', 'Sales manager versions (a new one when region or role changed); a regional user sees those of their regions',
    'payment_methods', 'How orders were paid',
    'sales', 'Order lines (one row each) with their dimensions: the drill-through behind every total. Reads the fact: filter by date',
    'sales_daily', 'Sales per local day and region, from the daily rollup: the fast source for time series and totals',
    'sales_daily_by_category', 'Sales per local day, region and product category, from the daily rollup',
    'sales_daily_by_manager', 'Sales per local day, region and sales manager, from the daily rollup',
    'sales_daily_by_payment_method', 'Sales per local day, region and payment method, from the daily rollup',
    'sales_daily_by_product', 'Sales per local day, region and product, aggregated from the order lines when queried: filter by date'
  );
  columns constant jsonb := jsonb_build_object(
    'date_key', 'Local date as yyyymmdd',
    'full_date', 'Local date',
    'year', 'Calendar year',
    'quarter', 'Quarter, 1–4',
    'month', 'Month, 1–12',
    'month_name', 'Month name',
    'year_month', 'Year and month, YYYY-MM',
    'week_start', 'Monday of the week',
    'iso_week', 'ISO week number',
    'day_of_month', 'Day of the month',
    'day_of_week', 'ISO day of the week, 1 = Monday',
    'day_name', 'Day name',
    'is_weekend', 'Saturday or Sunday',
    'region_key', 'Region (join regions); the customer''s region when the order was created',
    'region_code', 'ISO 3166-2:UA region code, e.g. UA-30',
    'region_name', 'Region name',
    'category_key', 'Product category (join categories); 0 = unknown',
    'category_id', 'Category id in the catalogue',
    'category_name', 'Category name',
    'parent_category_name', 'Name of the parent category',
    'top_category_name', 'Top-level category',
    'category_path', 'Category path from the top, joined by " > "',
    'depth', 'Level in the category tree, 1 at the top',
    'product_key', 'Product version (join products)',
    'product_id', 'Product id in the catalogue',
    'sku', 'Stock keeping unit',
    'product_name', 'Product name',
    'list_price', 'Catalogue price of this version',
    'is_active', 'Active in this version',
    'valid_from', 'Start of this version''s validity',
    'valid_to', 'End of this version''s validity (exclusive), 9999-12-31 when current',
    'is_current', 'The version valid now'
  ) || jsonb_build_object( -- (a function takes at most 100 arguments)
    'employee_key', 'Sales manager version (join managers); 0 = no manager',
    'employee_id', 'Manager id in the orders database',
    'manager_name', 'Sales manager''s full name; null when the manager works in a region the user may not see',
    'position', 'Manager''s role',
    'payment_method_key', 'Payment method (join payment_methods); 0 = not paid',
    'payment_method_id', 'Payment method code',
    'payment_method_name', 'Payment method',
    'is_online', 'Paid online rather than on delivery',
    'order_item_id', 'Order line id in the orders database',
    'order_id', 'Order id in the orders database',
    'order_date_key', 'Local business date of the order, yyyymmdd (join calendar.date_key)',
    'order_date', 'Local business date of the order',
    'order_status', 'Order status now: pending_payment, paid, shipped, delivered, cancelled, refunded',
    'is_revenue', 'The order counts as revenue: paid, shipped or delivered',
    'is_refunded', 'The order was refunded',
    'quantity', 'Units on the line',
    'unit_price', 'Price per unit on the line',
    'gross_amount', 'quantity × unit_price',
    'net_amount', 'gross_amount − discount_amount (any status)',
    'currency', 'ISO 4217 currency of the amounts',
    'order_created_at', 'When the order was created (UTC)',
    'orders', 'Orders (any status); in the category and product views, orders with a line there (an order may count under several)',
    'order_lines', 'Order lines (any status)',
    'revenue_orders', 'Orders counted as revenue (paid, shipped, delivered)',
    'units', 'Units sold on revenue orders',
    'gross_revenue', 'quantity × unit_price on revenue orders',
    'discount_amount', 'Discounts (on revenue orders in the aggregated views)',
    'net_revenue', 'Revenue: gross minus discount, on revenue orders. Sum it across rows',
    'average_order_value', 'net_revenue / revenue_orders for this row; across rows compute sum(net_revenue) / sum(revenue_orders)',
    'discount_share', 'discount_amount / gross_revenue for this row; across rows compute sum(discount_amount) / sum(gross_revenue)',
    'refunded_orders', 'Refunded orders',
    'refunded_amount', 'Net amount of refunded orders'
  );
begin
  for v in select key as name, value #>> '{}' as description from jsonb_each(views) loop
    execute format('comment on view bi.%I is %L', v.name, v.description);
    for c in select column_name from information_schema.columns
             where table_schema = 'bi' and table_name = v.name loop
      text_of := columns ->> c.column_name;
      if text_of is null then
        raise exception 'bi.%: column % has no comment in this migration', v.name, c.column_name;
      end if;
      execute format('comment on column bi.%I.%I is %L', v.name, c.column_name, text_of);
    end loop;
  end loop;
end
$$;

grant select on
  bi.calendar, bi.regions, bi.categories, bi.products, bi.managers, bi.payment_methods,
  bi.sales, bi.sales_daily, bi.sales_daily_by_category, bi.sales_daily_by_manager,
  bi.sales_daily_by_payment_method, bi.sales_daily_by_product
to bi_reader;
