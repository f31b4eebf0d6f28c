{#
  SCD type 2 merge. `incoming` selects the natural key, the tracked attributes and `valid_from` (the
  source updated_at of each version); it may hold several versions of one key, in any order, and
  versions already applied. Versions are applied in valid_from order; a version equal to the one
  before it makes nothing; versions not newer than the current one are ignored (at-least-once input).
  An inferred member (made by a fact that arrived first) is completed in place, so facts keep their key.
  Closing a version sets valid_to and is_current only: etl_run_id keeps naming the run that made it.
#}
{% macro scd2_merge(target, surrogate, key, attributes, incoming, run_id) %}
{% set attrs = attributes | join(', ') %}
create temp table _scd2_current on commit drop as
select t.{{ key }}, t.{{ surrogate }}, t.valid_from, t.row_hash, t.version, t.is_inferred
from {{ target }} t
where t.is_current and t.{{ key }} in (select {{ key }} from ({{ incoming }}) k);

create temp table _scd2_kept on commit drop as
with incoming as (
  select distinct on (i.{{ key }}, i.valid_from)
    i.{{ key }}, {% for a in attributes %}i.{{ a }}, {% endfor %}i.valid_from,
    md5(row({{ attrs }})::text) as row_hash
  from ({{ incoming }}) i
  left join _scd2_current c on c.{{ key }} = i.{{ key }}
  -- stale: already applied, or older than what the warehouse holds
  where c.{{ key }} is null or c.is_inferred or i.valid_from > c.valid_from
  order by i.{{ key }}, i.valid_from, row_hash
),
sequenced as (
  select i.*, lag(i.row_hash) over (partition by i.{{ key }} order by i.valid_from) as previous_hash
  from incoming i
),
kept as (
  select s.*
  from sequenced s
  left join _scd2_current c on c.{{ key }} = s.{{ key }}
  where s.row_hash is distinct from coalesce(s.previous_hash, case when not c.is_inferred then c.row_hash end)
)
select
  k.*,
  row_number() over w as seq,
  lead(k.valid_from) over w as next_from,
  c.{{ surrogate }} as current_key,
  c.version as current_version,
  coalesce(c.is_inferred, false) as current_inferred
from kept k
left join _scd2_current c on c.{{ key }} = k.{{ key }}
window w as (partition by k.{{ key }} order by k.valid_from);

-- an inferred member becomes the first real version, keeping its surrogate key
update {{ target }} t set
{% for a in attributes %}
  {{ a }} = k.{{ a }},
{% endfor %}
  row_hash = k.row_hash,
  valid_from = k.valid_from,
  valid_to = coalesce(k.next_from, '9999-12-31'),
  is_current = k.next_from is null,
  is_inferred = false,
  loaded_at = now(),
  etl_run_id = {{ run_id | lit }}
from _scd2_kept k
where k.seq = 1 and k.current_inferred and t.{{ surrogate }} = k.current_key;

update {{ target }} t set valid_to = k.valid_from, is_current = false
from _scd2_kept k
where k.seq = 1 and k.current_key is not null and not k.current_inferred and t.{{ surrogate }} = k.current_key;

insert into {{ target }} ({{ key }}, {{ attrs }}, row_hash, version, valid_from, valid_to, is_current, is_inferred, etl_run_id)
select
  {{ key }}, {{ attrs }}, row_hash,
  coalesce(current_version, 0) + seq - (case when current_inferred then 1 else 0 end),
  valid_from, coalesce(next_from, '9999-12-31'), next_from is null, false, {{ run_id | lit }}
from _scd2_kept
where not (seq = 1 and current_inferred);

select
  count(*) filter (where not (seq = 1 and current_inferred)) as inserted,
  count(*) filter (where seq = 1 and current_key is not null) as updated
from _scd2_kept;

drop table _scd2_kept;
drop table _scd2_current;
{% endmacro %}
