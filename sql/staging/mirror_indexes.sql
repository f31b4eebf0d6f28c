-- The staging mirror's secondary indexes on `table`, named after `name`: the mirror itself, or a first
-- load's batch that is indexed as soon as its extract ends and becomes the mirror later (the merge
-- renames the indexes then). Indexes named in `existing` are skipped without a statement: even
-- CREATE INDEX IF NOT EXISTS share-locks the table first, and so waits for an autovacuum of it until
-- PostgreSQL cancels the vacuum (deadlock_timeout: a second a run, and the vacuum never finishes).
{% set runIndex = name ~ '__run' %}
{% if runIndex not in existing %}
create index if not exists {{ runIndex | ident }} on {{ table }} (_etl_run_id);
{% endif %}
{% for index in indexes %}
{% set indexName = name ~ '__' ~ index | join('_') %}
{% if indexName not in existing %}
create index if not exists {{ indexName | ident }} on {{ table }} ({{ index | join(', ') }});
{% endif %}
{% endfor %}
