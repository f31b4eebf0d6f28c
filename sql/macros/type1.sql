{#
  SCD type 1 merge. `rows` is a query (it may start with CTEs) giving the natural key, the attributes,
  `row_hash` and `source_updated_at`; a row whose hash changed overwrites the dimension's row, an
  inferred member is completed in place (its surrogate key, and so its facts, stay), unchanged rows
  are not written. Reports inserted and updated.
#}
{% macro type1_merge(target, key, attributes, rows, run_id) %}
{% set columns = key ~ ', ' ~ attributes | join(', ') ~ ', row_hash, source_updated_at' %}
with incoming as (
{{ rows }}
),
upserted as (
  insert into {{ target }} as d ({{ columns }}, is_inferred, etl_run_id)
  select {{ columns }}, false, {{ run_id | lit }}
  from incoming
  on conflict ({{ key }}) do update set
{% for column in attributes %}
    {{ column }} = excluded.{{ column }},
{% endfor %}
    row_hash = excluded.row_hash,
    source_updated_at = excluded.source_updated_at,
    is_inferred = false,
    loaded_at = now(),
    etl_run_id = excluded.etl_run_id
  where d.row_hash is distinct from excluded.row_hash or d.is_inferred
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted, count(*) filter (where not inserted) as updated from upserted;
{% endmacro %}
