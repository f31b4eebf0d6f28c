-- Secondary indexes on `table` (the staging mirror, or a first load's batch that becomes the mirror):
-- those of warehouse/staging-store.ts `secondaryIndexes` that the table does not have yet.
{% for index in indexes %}
create index if not exists {{ index.name | ident }} on {{ table }} ({{ index.columns | join(', ') }});
{% endfor %}
