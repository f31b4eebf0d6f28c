-- One run's extract of one source table, dropped in the transaction that merges it. Unlogged (it is
-- rebuilt from the source if lost), except on a first load, where it becomes the mirror itself.
create {% if not logged %}unlogged {% endif %}table if not exists {{ batch }} (
{% for column in columns %}
  {{ column.name | ident }} {{ column.pgType }}{% if not loop.last %},{% endif %}

{% endfor %}
);
