-- Merges this run's batch into the staging mirror: new keys inserted, changed rows updated, unchanged
-- rows skipped (rewriting them is the slowest thing a merge can do), older states never overwrite
-- newer ones. Every row written is stamped with the run id: the transforms take their work from it.
{% if empty %}
-- first load: the mirror is empty, so every row is new
insert into {{ mirror }} ({{ columnList }}, _loaded_at, _etl_run_id)
select {% if dedupe %}distinct on ({{ primaryKey | ident }}) {% endif %}{{ columnList }}, now(), {{ runId | lit }}
from {{ batch }}
{% if dedupe %}
order by {{ primaryKey | ident }}, {{ cursorColumn | ident }} desc
{% endif %};
{% else %}
merge into {{ mirror }} as m
using (
  select {% if dedupe %}distinct on ({{ primaryKey | ident }}) {% endif %}{{ columnList }}
  from {{ batch }}
{% if dedupe %}
  order by {{ primaryKey | ident }}, {{ cursorColumn | ident }} desc
{% endif %}
) as b
on m.{{ primaryKey | ident }} = b.{{ primaryKey | ident }}
when matched
  and b.{{ cursorColumn | ident }} >= m.{{ cursorColumn | ident }}
  and ({% for c in columnNames %}m.{{ c | ident }}, {% endfor %}m._deleted_at)
      is distinct from ({% for c in columnNames %}b.{{ c | ident }}, {% endfor %}null)
then update set
{% for c in columnNames %}
  {{ c | ident }} = b.{{ c | ident }},
{% endfor %}
  _loaded_at = now(),
  _etl_run_id = {{ runId | lit }},
  _deleted_at = null
when not matched then
  insert ({{ columnList }}, _loaded_at, _etl_run_id)
  values ({% for c in columnNames %}b.{{ c | ident }}, {% endfor %}now(), {{ runId | lit }});
{% endif %}
