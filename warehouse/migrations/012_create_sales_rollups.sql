-- Daily sales rollups for dashboards (issue 16): one row per local business day, region and one more
-- dimension, kept by the pipeline (sql/rollups/agg_sales_daily.sql) in the same transaction as
-- fact_sales, for the days a run touched. A year of daily data is a few thousand rows here against
-- millions of order lines. Every rollup carries region_key, so row-level security by region applies
-- to it as to the fact. Lines deleted in the source (deleted_at) are left out, as in the bi views.

create table if not exists dwh.agg_sales_daily_region (
  order_date_key   integer not null,
  region_key       bigint not null,
  orders           integer not null,
  order_lines      integer not null,
  revenue_orders   integer not null,
  units            bigint not null,
  gross_revenue    numeric(16,2) not null,
  discount_amount  numeric(16,2) not null,
  net_revenue      numeric(16,2) not null,
  refunded_orders  integer not null,
  refunded_amount  numeric(16,2) not null,
  loaded_at        timestamptz not null default now(),
  etl_run_id       bigint,
  primary key (order_date_key, region_key)
);

create table if not exists dwh.agg_sales_daily_category (
  order_date_key   integer not null,
  region_key       bigint not null,
  category_key     bigint not null,
  orders           integer not null,
  order_lines      integer not null,
  revenue_orders   integer not null,
  units            bigint not null,
  gross_revenue    numeric(16,2) not null,
  discount_amount  numeric(16,2) not null,
  net_revenue      numeric(16,2) not null,
  refunded_orders  integer not null,
  refunded_amount  numeric(16,2) not null,
  loaded_at        timestamptz not null default now(),
  etl_run_id       bigint,
  primary key (order_date_key, region_key, category_key)
);
-- the page filters a category over a date range
create index if not exists ix_agg_sales_daily_category_category
  on dwh.agg_sales_daily_category (category_key, order_date_key);

create table if not exists dwh.agg_sales_daily_manager (
  order_date_key   integer not null,
  region_key       bigint not null,
  employee_key     bigint not null,
  orders           integer not null,
  order_lines      integer not null,
  revenue_orders   integer not null,
  units            bigint not null,
  gross_revenue    numeric(16,2) not null,
  discount_amount  numeric(16,2) not null,
  net_revenue      numeric(16,2) not null,
  refunded_orders  integer not null,
  refunded_amount  numeric(16,2) not null,
  loaded_at        timestamptz not null default now(),
  etl_run_id       bigint,
  primary key (order_date_key, region_key, employee_key)
);

create table if not exists dwh.agg_sales_daily_payment_method (
  order_date_key      integer not null,
  region_key          bigint not null,
  payment_method_key  bigint not null,
  orders              integer not null,
  order_lines         integer not null,
  revenue_orders      integer not null,
  units               bigint not null,
  gross_revenue       numeric(16,2) not null,
  discount_amount     numeric(16,2) not null,
  net_revenue         numeric(16,2) not null,
  refunded_orders     integer not null,
  refunded_amount     numeric(16,2) not null,
  loaded_at           timestamptz not null default now(),
  etl_run_id          bigint,
  primary key (order_date_key, region_key, payment_method_key)
);

-- An inferred product completed in place keeps its key, so its facts are not rewritten, but its
-- category changes: the days it sold on must be rolled up again. The trigger notes the key here (a
-- handful of rows, only when a late product arrives) and the rollup model consumes them in the same
-- transaction. Without it, the category rollup would keep such lines under "unknown" for ever.
create table if not exists dwh.agg_pending_products (
  product_key bigint primary key
);
comment on table dwh.agg_pending_products is
  'Products whose category changed in place (an inferred member completed): their days are rolled up again by the next transform';
comment on column dwh.agg_pending_products.product_key is 'dim_product.product_key whose category_id changed in place';

create or replace function dwh.note_product_category_change() returns trigger
language plpgsql as $$
begin
  insert into dwh.agg_pending_products (product_key) values (new.product_key) on conflict do nothing;
  return null;
end
$$;
drop trigger if exists note_product_category_change on dwh.dim_product;
create trigger note_product_category_change
  after update of category_id on dwh.dim_product
  for each row when (old.category_id is distinct from new.category_id)
  execute function dwh.note_product_category_change();

do $$
declare
  t record;
  c record;
  comments constant jsonb := jsonb_build_object(
    'order_date_key', 'Local business date (BUSINESS_TZ) of the orders, yyyymmdd (join dim_date)',
    'region_key', 'Customer''s region when the order was created (join dim_region)',
    'category_key', 'Category of the product version sold (join dim_category); 0 = unknown',
    'employee_key', 'Sales manager version of the order (join dim_employee); 0 = no manager',
    'payment_method_key', 'How the order was paid (join dim_payment_method); 0 = not paid',
    'orders', 'Orders (any status) with a line in this group',
    'order_lines', 'Order lines (any status) in this group',
    'revenue_orders', 'Orders counted as revenue (paid, shipped, delivered) with a line in this group',
    'units', 'Units sold on revenue lines',
    'gross_revenue', 'quantity × unit_price of revenue lines',
    'discount_amount', 'Discounts on revenue lines',
    'net_revenue', 'Revenue: gross_revenue − discount_amount of revenue lines',
    'refunded_orders', 'Refunded orders with a line in this group',
    'refunded_amount', 'Net amount of the refunded lines',
    'loaded_at', 'When the pipeline last rolled this day up',
    'etl_run_id', 'etl.runs.run_id that last rolled this day up'
  );
begin
  for t in select * from (values
    ('agg_sales_daily_region', 'region'),
    ('agg_sales_daily_category', 'region and product category'),
    ('agg_sales_daily_manager', 'region and sales manager'),
    ('agg_sales_daily_payment_method', 'region and payment method')
  ) as v(name, grain) loop
    execute format(
      'comment on table dwh.%I is %L', t.name,
      format('Daily sales rollup by %s, kept by the pipeline in the transaction that writes fact_sales; '
             'lines deleted in the source are left out', t.grain));
    for c in select column_name from information_schema.columns
             where table_schema = 'dwh' and table_name = t.name loop
      execute format('comment on column dwh.%I.%I is %L', t.name, c.column_name, comments ->> c.column_name);
    end loop;
  end loop;
end
$$;
