{#
  Merges `source` into `target` by `key`: rows whose `columns` differ are updated (unchanged rows are
  not rewritten), new keys inserted, each stamped with the run. `columns` excludes the key; a model
  names its columns once and passes them here.
#}
{% macro merge_changed(target, source, key, columns, run_id) %}
merge into {{ target }} as f
using {{ source }} as k
on f.{{ key }} = k.{{ key }}
when matched and (
  {% for c in columns %}f.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}

) is distinct from (
  {% for c in columns %}k.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}

) then update set
{% for c in columns %}
  {{ c }} = k.{{ c }},
{% endfor %}
  loaded_at = now(),
  etl_run_id = {{ run_id | lit }}
when not matched then insert ({{ key }}, {{ columns | join(', ') }}, etl_run_id)
values (k.{{ key }}, {% for c in columns %}k.{{ c }}, {% endfor %}{{ run_id | lit }});
{% endmacro %}
