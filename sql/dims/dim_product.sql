{% from "macros/scd2.sql" import scd2_merge %}
{% set incoming %}
select
  -- ids
  id as product_id,
  category_id,
  -- attributes
  sku,
  name as product_name,
  price as list_price,
  currency,
  active as is_active,
  -- timestamps
  updated_at as valid_from
from {{ batch_of('catalog', 'products') }}
{% endset %}
{{ scd2_merge(ref('dim_product'), 'product_key', 'product_id',
   ['sku', 'product_name', 'category_id', 'list_price', 'currency', 'is_active'], incoming, var('run_id')) }}
