-- Late-arriving dimensions: a fact may reference a customer, product, employee, region or category
-- the warehouse has not loaded yet. It gets an inferred member now (version 1, valid from the
-- beginning of time) that the dimension's own merge completes in place when the real row arrives.
-- `not materialized`: scanning the orders twice is cheaper than storing a million of them once
with orders as not materialized (
  select o.customer_id, o.employee_id
  from {{ source('orders', 'orders') }} o
{% if is_incremental() %}
  join _affected_orders a on a.order_id = o.id
{% endif %}
),
new_customers as (
  insert into {{ ref('dim_customer') }} (customer_id, email, full_name, version, valid_from, is_current, is_inferred, row_hash, etl_run_id)
  select distinct o.customer_id, 'unknown', 'Unknown (inferred)', 1, timestamptz '1900-01-01 00:00:00+00', true, true, '', {{ var('run_id') | lit }}
  from orders o
  where not exists (select 1 from {{ ref('dim_customer') }} d where d.customer_id = o.customer_id)
  returning 1
),
new_employees as (
  insert into {{ ref('dim_employee') }} (employee_id, full_name, version, valid_from, is_current, is_inferred, row_hash, etl_run_id)
  select distinct o.employee_id, 'Unknown (inferred)', 1, timestamptz '1900-01-01 00:00:00+00', true, true, '', {{ var('run_id') | lit }}
  from orders o
  where o.employee_id is not null
    and not exists (select 1 from {{ ref('dim_employee') }} d where d.employee_id = o.employee_id)
  returning 1
),
new_products as (
  insert into {{ ref('dim_product') }} (product_id, sku, product_name, version, valid_from, is_current, is_inferred, row_hash, etl_run_id)
  select distinct oi.product_id, 'unknown', 'Unknown (inferred)', 1, timestamptz '1900-01-01 00:00:00+00', true, true, '', {{ var('run_id') | lit }}
  from {{ source('orders', 'order_items') }} oi
{% if is_incremental() %}
  join _affected_orders a on a.order_id = oi.order_id
{% endif %}
  where not exists (select 1 from {{ ref('dim_product') }} d where d.product_id = oi.product_id)
  returning 1
)
select
  (select count(*) from new_customers) + (select count(*) from new_employees) + (select count(*) from new_products) as inserted,
  0 as updated;

-- regions and categories referenced by dimension rows but not loaded yet. Incrementally only the rows
-- this run wrote can reference a new one (dimension rows are never deleted, inferred members have
-- none): they are found through this run's batches and the dimensions' natural keys, not by scanning
-- every version of every customer for each CDC micro-batch.
{% macro written_by_run(dimension, key, database, table) %}
  {{ ref(dimension) }} w
  {% if is_incremental() %}
  where w.{{ key }} in (select id from {{ batch_of(database, table) }})
    and w.etl_run_id = {{ var('run_id') | lit }}
  {% endif %}
{% endmacro %}
insert into {{ ref('dim_region') }} (region_id, region_code, region_name, row_hash, is_inferred, etl_run_id)
select distinct r.region_id, 'UNKNOWN', 'Unknown (inferred)', '', true, {{ var('run_id') | lit }}
from (
  select w.region_id from {{ written_by_run('dim_customer', 'customer_id', 'orders', 'customers') }}
  union select w.region_id from {{ written_by_run('dim_employee', 'employee_id', 'orders', 'employees') }}
) r
where r.region_id is not null
  and not exists (select 1 from {{ ref('dim_region') }} d where d.region_id = r.region_id);

insert into {{ ref('dim_category') }} (category_id, category_name, top_category_name, category_path, depth, row_hash, is_inferred, etl_run_id)
select distinct p.category_id, 'Unknown (inferred)', 'Unknown (inferred)', 'Unknown (inferred)', 0, '', true, {{ var('run_id') | lit }}
from (select w.category_id from {{ written_by_run('dim_product', 'product_id', 'catalog', 'products') }}) p
where p.category_id is not null
  and not exists (select 1 from {{ ref('dim_category') }} d where d.category_id = p.category_id);
