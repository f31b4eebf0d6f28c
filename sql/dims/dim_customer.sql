{% from "macros/scd2.sql" import scd2_merge %}
{% set incoming %}
select
  -- ids
  id as customer_id,
  region_id,
  manager_id,
  -- attributes
  email,
  full_name,
  phone,
  city,
  -- timestamps
  created_at as customer_created_at,
  updated_at as valid_from
from {{ batch_of('orders', 'customers') }}
{% endset %}
{{ scd2_merge(ref('dim_customer'), 'customer_key', 'customer_id',
   ['email', 'full_name', 'phone', 'city', 'region_id', 'manager_id', 'customer_created_at'], incoming, var('run_id')) }}
