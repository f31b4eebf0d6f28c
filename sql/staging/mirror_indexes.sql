-- The staging mirror's secondary indexes on `table`, named after `name`: the mirror itself, or a first
-- load's batch that is indexed as soon as its extract ends and becomes the mirror later (the merge
-- renames the indexes then).
create index if not exists {{ (name ~ '__run') | ident }} on {{ table }} (_etl_run_id);
{% for index in indexes %}
create index if not exists {{ (name ~ '__' ~ index | join('_')) | ident }} on {{ table }} ({{ index | join(', ') }});
{% endfor %}
