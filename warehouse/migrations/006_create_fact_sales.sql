-- One row per source order line, keyed by order_item_id; lines deleted in the source are kept and
-- marked (deleted_at) so history stays explainable, and the bi views leave them out.
-- Dimension keys carry no foreign-key constraints: the loader always resolves a key (0 = unknown) and
-- the data-quality `relationships` rules check for orphans after every load. Enforced, the six
-- constraints tripled the cost of loading the fact (row-level triggers per key).
create table if not exists dwh.fact_sales (
  order_item_id      bigint primary key,
  order_id           bigint not null,
  order_date_key     integer not null,
  customer_key       bigint not null,
  product_key        bigint not null,
  employee_key       bigint not null,
  region_key         bigint not null,
  payment_method_key bigint not null,
  order_status       text not null,
  is_revenue         boolean not null,
  quantity           integer not null,
  unit_price         numeric(12,2) not null,
  gross_amount       numeric(14,2) not null,
  discount_amount    numeric(12,2) not null,
  net_amount         numeric(14,2) not null,
  currency           char(3) not null,
  order_created_at   timestamptz not null,
  source_updated_at  timestamptz not null,
  deleted_at         timestamptz,
  loaded_at          timestamptz not null default now(),
  etl_run_id         bigint
);
-- Few secondary indexes: each costs the load as much as a foreign key; BI reads by date, the loader
-- and reconciliation by order.
create index if not exists ix_fact_sales_order_date on dwh.fact_sales (order_date_key);
create index if not exists ix_fact_sales_order on dwh.fact_sales (order_id);
create index if not exists ix_fact_sales_customer on dwh.fact_sales (customer_key);

comment on table dwh.fact_sales is 'Sales at order-line grain: one row per source order_items row';
comment on column dwh.fact_sales.order_item_id is 'Natural key: orders.order_items.id';
comment on column dwh.fact_sales.order_id is 'Source order id (degenerate dimension)';
comment on column dwh.fact_sales.order_date_key is 'Local business date (BUSINESS_TZ) of the order''s creation, yyyymmdd';
comment on column dwh.fact_sales.customer_key is 'Customer version valid when the order was created';
comment on column dwh.fact_sales.product_key is 'Product version valid when the order was created';
comment on column dwh.fact_sales.employee_key is 'Sales manager version valid when the order was created';
comment on column dwh.fact_sales.region_key is 'Customer''s region when the order was created';
comment on column dwh.fact_sales.payment_method_key is 'How the order was paid; 0 = not paid';
comment on column dwh.fact_sales.order_status is 'Current order status: pending_payment, paid, shipped, delivered, cancelled, refunded';
comment on column dwh.fact_sales.is_revenue is 'True when the status counts as revenue: paid, shipped or delivered';
comment on column dwh.fact_sales.quantity is 'Units ordered';
comment on column dwh.fact_sales.unit_price is 'Price per unit on the order line';
comment on column dwh.fact_sales.gross_amount is 'quantity × unit_price';
comment on column dwh.fact_sales.discount_amount is 'Discount on the line';
comment on column dwh.fact_sales.net_amount is 'gross_amount − discount_amount';
comment on column dwh.fact_sales.currency is 'ISO 4217 currency of the amounts';
comment on column dwh.fact_sales.order_created_at is 'When the order was created (UTC)';
comment on column dwh.fact_sales.source_updated_at is 'Latest source updated_at of the order line and its order';
comment on column dwh.fact_sales.deleted_at is 'When the warehouse saw the line deleted in the source; null while it exists';
comment on column dwh.fact_sales.loaded_at is 'When the warehouse last wrote this row';
comment on column dwh.fact_sales.etl_run_id is 'etl.runs.run_id that last wrote this row';
