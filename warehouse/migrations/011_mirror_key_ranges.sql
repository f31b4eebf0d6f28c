-- Hard-delete reconciliation compares the source's keys with the mirror's, per range of keys, by count
-- and key sum; only ranges that differ are read key by key. The mirror's side is kept here, in the
-- same transaction as every write to the mirror, by statement triggers on its transition tables
-- (warehouse/key-range-tracking.ts), so a run reads a few dozen rows instead of scanning millions.
create table if not exists stg.mirror_key_ranges (
  mirror  text not null,
  range   bigint not null,
  keys    bigint not null,
  key_sum numeric not null,
  primary key (mirror, range)
);
comment on table stg.mirror_key_ranges is
  'Per staging mirror and key range (key / width, truncated): how many live keys, and their sum';

-- Arguments: the key column, the range width. Live keys are the rows without _deleted_at.
create or replace function stg.track_mirror_key_ranges() returns trigger
language plpgsql as $$
declare
  key text := quote_ident(tg_argv[0]);
  width bigint := tg_argv[1]::bigint;
  changes text;
begin
  if tg_op = 'TRUNCATE' then
    delete from stg.mirror_key_ranges where mirror = tg_table_name;
    return null;
  end if;
  changes := case tg_op
    when 'INSERT' then format('select %s as k, 1 as n from new_rows where _deleted_at is null', key)
    when 'DELETE' then format('select %s as k, -1 as n from old_rows where _deleted_at is null', key)
    else format(
      'select %1$s as k, 1 as n from new_rows where _deleted_at is null
       union all
       select %1$s, -1 from old_rows where _deleted_at is null', key)
  end;
  execute format(
    'insert into stg.mirror_key_ranges as t (mirror, range, keys, key_sum)
     select %L, k / %s, sum(n), sum(n * k::numeric)
     from (%s) as changes
     group by 2
     having sum(n) <> 0 or sum(n * k::numeric) <> 0
     on conflict (mirror, range) do update
       set keys = t.keys + excluded.keys, key_sum = t.key_sum + excluded.key_sum',
    tg_table_name, width, changes);
  return null;
end
$$;
