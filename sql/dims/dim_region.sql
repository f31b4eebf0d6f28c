-- Type 1: regions changed this run overwrite their row; an inferred member is completed in place.
with changed as (
  select
    id as region_id,
    code as region_code,
    name as region_name,
    updated_at as source_updated_at
  from {{ source('orders', 'regions') }}
  where _etl_run_id = {{ var('run_id') | lit }}
),
hashed as (
  select changed.*, md5(row(region_code, region_name)::text) as row_hash from changed
),
upserted as (
  insert into {{ ref('dim_region') }} as d (region_id, region_code, region_name, row_hash, source_updated_at, is_inferred, etl_run_id)
  select region_id, region_code, region_name, row_hash, source_updated_at, false, {{ var('run_id') | lit }}
  from hashed
  on conflict (region_id) do update set
    region_code = excluded.region_code,
    region_name = excluded.region_name,
    row_hash = excluded.row_hash,
    source_updated_at = excluded.source_updated_at,
    is_inferred = false,
    loaded_at = now(),
    etl_run_id = excluded.etl_run_id
  where d.row_hash is distinct from excluded.row_hash or d.is_inferred
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted, count(*) filter (where not inserted) as updated from upserted;
