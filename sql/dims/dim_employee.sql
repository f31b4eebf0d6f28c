{% from "macros/scd2.sql" import scd2_merge %}
{% set incoming %}
select
  -- ids
  id as employee_id,
  region_id,
  -- attributes
  full_name,
  email,
  position,
  active as is_active,
  -- timestamps
  updated_at as valid_from
from {{ batch_of('orders', 'employees') }}
{% endset %}
{{ scd2_merge(ref('dim_employee'), 'employee_key', 'employee_id',
   ['full_name', 'email', 'position', 'region_id', 'is_active'], incoming, var('run_id')) }}
