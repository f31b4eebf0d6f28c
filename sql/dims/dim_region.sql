{% from "macros/type1.sql" import type1_merge %}
-- Type 1: regions changed this run overwrite their row.
{% set rows %}
select
  -- ids
  id as region_id,
  -- attributes
  code as region_code,
  name as region_name,
  md5(row(code, name)::text) as row_hash,
  -- timestamps
  updated_at as source_updated_at
from {{ source('orders', 'regions') }}
where _etl_run_id = {{ var('run_id') | lit }}
{% endset %}
{{ type1_merge(ref('dim_region'), 'region_id', ['region_code', 'region_name'], rows, var('run_id')) }}
