import type pg from 'pg';
import { ident, literal } from './sql-quote.ts';
import { mirrorName, mirrorTable } from './staging-names.ts';
import type { StagingTableSpec } from './staging-store.ts';

/** Live keys of one range (key / width, truncated toward zero): how many, and their sum, as text. */
export interface KeyRangeRow {
  range: string;
  keys: string;
  keySum: string;
}

const TRIGGERS = [
  { name: 'track_key_ranges_insert', event: 'insert', transition: 'new table as new_rows' },
  {
    name: 'track_key_ranges_update',
    event: 'update',
    transition: 'old table as old_rows new table as new_rows',
  },
  { name: 'track_key_ranges_delete', event: 'delete', transition: 'old table as old_rows' },
  { name: 'track_key_ranges_truncate', event: 'truncate', transition: '' },
] as const;

/** A table's live keys per range, by one grouped scan. */
export async function scanKeyRanges(
  client: pg.ClientBase,
  table: string,
  key: string,
  width: number,
): Promise<KeyRangeRow[]> {
  const k = ident(key);
  const { rows } = await client.query<KeyRangeRow>(
    `select (${k} / ${Math.trunc(width)})::text as range, count(*)::text as keys, sum(${k})::text as "keySum"
     from ${table} where _deleted_at is null group by 1`,
  );
  return rows;
}

/**
 * Makes the mirror keep its live keys per range of `width` keys in stg.mirror_key_ranges, from now on
 * in the same transaction as every write to it (see migration 011). A mirror already tracked that way
 * costs a catalogue lookup and nothing else. One that is not (new, adopted from a batch, or tracked
 * with another width) gets its triggers and its ranges anew: `initial` when the caller has them (a
 * batch that became the mirror, read on another connection), else one grouped scan of the mirror.
 */
export async function ensureKeyRangeTracking(
  client: pg.ClientBase,
  spec: StagingTableSpec,
  width: number,
  initial?: readonly KeyRangeRow[],
): Promise<void> {
  const mirror = mirrorTable(spec.database, spec.table);
  const args = Buffer.from(`${spec.primaryKey}\0${Math.trunc(width)}\0`);
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from pg_trigger
     where tgrelid = $1::regclass and tgname = any($2) and tgargs = $3 and tgenabled = 'O'`,
    [mirror, TRIGGERS.map((t) => t.name), args],
  );
  if (rows[0]!.n === TRIGGERS.length) return;

  for (const trigger of TRIGGERS) {
    await client.query(`drop trigger if exists ${trigger.name} on ${mirror}`);
    await client.query(
      `create trigger ${trigger.name} after ${trigger.event} on ${mirror}
       ${trigger.transition ? `referencing ${trigger.transition}` : ''}
       for each statement execute function stg.track_mirror_key_ranges(
         ${literal(spec.primaryKey)}, ${literal(String(Math.trunc(width)))})`,
    );
  }
  const ranges = initial ?? (await scanKeyRanges(client, mirror, spec.primaryKey, width));
  await client.query('delete from stg.mirror_key_ranges where mirror = $1', [
    mirrorName(spec.database, spec.table),
  ]);
  await client.query(
    `insert into stg.mirror_key_ranges (mirror, range, keys, key_sum)
     select $1, r.range::bigint, r.keys::bigint, r.key_sum::numeric
     from unnest($2::text[], $3::text[], $4::text[]) as r (range, keys, key_sum)`,
    [
      mirrorName(spec.database, spec.table),
      ranges.map((r) => r.range),
      ranges.map((r) => r.keys),
      ranges.map((r) => r.keySum),
    ],
  );
}

/** Stops tracking a mirror whose table no longer asks for hard-delete detection (nothing if untracked). */
export async function stopKeyRangeTracking(client: pg.ClientBase, spec: StagingTableSpec): Promise<void> {
  const mirror = mirrorTable(spec.database, spec.table);
  const { rows } = await client.query(
    'select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = any($2)',
    [mirror, TRIGGERS.map((t) => t.name)],
  );
  if (rows.length === 0) return;
  for (const trigger of TRIGGERS) await client.query(`drop trigger if exists ${trigger.name} on ${mirror}`);
  await client.query('delete from stg.mirror_key_ranges where mirror = $1', [
    mirrorName(spec.database, spec.table),
  ]);
}

/** The mirror's live keys per range, as its triggers have kept them. */
export async function readKeyRanges(
  client: pg.ClientBase | pg.Pool,
  spec: StagingTableSpec,
): Promise<KeyRangeRow[]> {
  const { rows } = await client.query<KeyRangeRow>(
    `select range::text, keys::text, key_sum::text as "keySum" from stg.mirror_key_ranges
     where mirror = $1 and keys <> 0`,
    [mirrorName(spec.database, spec.table)],
  );
  return rows;
}

/**
 * Counts one range of the mirror again, keys `start` to `end`, and keeps that: for a range whose kept
 * totals reconciliation found wrong (the triggers were bypassed, say by session_replication_role).
 */
export async function recountKeyRange(
  client: pg.ClientBase,
  spec: StagingTableSpec,
  range: string,
  [start, end]: readonly string[],
): Promise<void> {
  const k = ident(spec.primaryKey);
  await client.query(
    `insert into stg.mirror_key_ranges (mirror, range, keys, key_sum)
     select $1, $2::bigint, count(*), coalesce(sum(${k}), 0)
     from ${mirrorTable(spec.database, spec.table)}
     where ${k} between $3 and $4 and _deleted_at is null
     on conflict (mirror, range) do update set keys = excluded.keys, key_sum = excluded.key_sum`,
    [mirrorName(spec.database, spec.table), range, start, end],
  );
}
