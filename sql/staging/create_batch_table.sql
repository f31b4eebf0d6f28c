-- One run's extract of one source table, dropped in the transaction that merges it. Unlogged (it is
-- rebuilt from the source if lost), except on a first load, where it becomes the mirror itself.
-- No autovacuum: it would analyze the fresh rows and hold up the merge's rename or drop until
-- PostgreSQL cancels it (deadlock_timeout, a second per table); the pipeline analyzes what it needs.
create {% if not logged %}unlogged {% endif %}table if not exists {{ batch }} (
{% for column in columns %}
  {{ column.name | ident }} {{ column.pgType }}{% if column.name == primaryKey %} not null{% endif %}{% if not loop.last %},{% endif %}

{% endfor %}
) with (autovacuum_enabled = false);
