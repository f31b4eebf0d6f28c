-- The staging mirror of one source table: its current rows, merged by primary key, with the run
-- that last changed each row and when the source deleted it. Created from pipeline/source-tables.ts.
create table if not exists {{ mirror }} (
{% for column in columns %}
  {{ column.name | ident }} {{ column.pgType }}{% if column.name == primaryKey %} primary key{% endif %},
{% endfor %}
  _loaded_at timestamptz not null default now(),
  _etl_run_id bigint,
  _deleted_at timestamptz
);
{% set table = mirror %}
{% include 'staging/mirror_indexes.sql' %}
