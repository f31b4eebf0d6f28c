-- One run's extract of one source table. Unlogged: it is rebuilt from the source if lost, and it is
-- dropped in the transaction that merges it.
create unlogged table if not exists {{ batch }} (
{% for column in columns %}
  {{ column.name | ident }} {{ column.pgType }}{% if not loop.last %},{% endif %}

{% endfor %}
);
