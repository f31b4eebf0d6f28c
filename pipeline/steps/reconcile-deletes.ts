import type { Pool as MysqlPool, RowDataPacket } from 'mysql2/promise';
import type pg from 'pg';
import type { SourceDatabase } from '../../core/config.ts';
import { ident, mirrorTable } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import type { SourceTable } from '../source-tables.ts';

/** Keys per range: a count and a key sum per range find the ranges worth looking into. */
const RANGE_KEYS = 100_000;
/** Keys per subrange of a range that differs: only subranges that differ too are listed key by key. */
const SUBRANGE_KEYS = 1_000;

/** Per range number (key DIV RANGE_KEYS): how many keys, and their sum, as decimal text. */
export type KeyRanges = Map<string, { n: string; s: string }>;

/** Grouped query rows (range number, key count, key sum), from either side, as KeyRanges. */
type RangeRow = { r: unknown; n: unknown; s: unknown };
const keyRanges = (rows: readonly RangeRow[]): KeyRanges =>
  new Map(rows.map((row) => [String(row.r), { n: String(row.n), s: String(row.s) }]));

/** The mirror's ranges whose count or key sum the source does not match (only those can hold deletes). */
const differingRanges = (mirror: KeyRanges, source: KeyRanges): bigint[] =>
  [...mirror]
    .filter(([r, { n, s }]) => source.get(r)?.n !== n || source.get(r)?.s !== s)
    .map(([r]) => BigInt(r));

/** Both sides' range totals, read while the transform merges (see `startKeyRangeReads`). */
export interface KeyRangeReads {
  source: Promise<KeyRanges>;
  mirror: Promise<KeyRanges>;
}

/**
 * Starts both sides' grouped key scans, each on a connection of its own, so that they overlap the
 * merges instead of following them. Neither needs the merged mirror:
 * - the source may be read before this run's batch is merged: a key it gained since is only listed,
 *   never marked, and a key it lost since is marked by the next run;
 * - after the merge, the mirror's live keys are its live keys now (committed, as this connection sees
 *   them) plus the batch's: a merge adds or revives keys, never removes one.
 * Keys are only ever marked from a listing read inside the transform's transaction, after the merge.
 */
export function startKeyRangeReads(deps: PipelineDeps, table: SourceTable, batch: string): KeyRangeReads {
  const reads = { source: readSourceKeyRanges(deps, table), mirror: readMirrorKeyRanges(deps, table, batch) };
  // Awaited in the table's merge step; a failure before then must not surface as an unhandled rejection.
  for (const read of Object.values(reads)) read.catch(() => {});
  return reads;
}

async function readSourceKeyRanges(deps: PipelineDeps, table: SourceTable): Promise<KeyRanges> {
  const key = `\`${table.primaryKey}\``;
  const [rows] = await deps
    .source(table.database as SourceDatabase)
    .query<RowDataPacket[]>(
      `SELECT ${key} DIV ${RANGE_KEYS} AS r, COUNT(*) AS n, SUM(${key}) AS s FROM \`${table.table}\` GROUP BY r`,
    );
  return keyRanges(rows as RangeRow[]);
}

/** How long the mirror's read waits for a lock the transform holds before leaving the work to it. */
const MIRROR_READ_LOCK_TIMEOUT = '1s';

async function readMirrorKeyRanges(
  deps: PipelineDeps,
  table: SourceTable,
  batch: string,
): Promise<KeyRanges> {
  const mirror = mirrorTable(table.database, table.table);
  const key = ident(table.primaryKey);
  const client = await deps.warehouse.connect();
  try {
    // One transaction: once it holds the mirror, the transform's stronger locks wait for it, not the
    // other way round; should the transform hold one first, this gives up (reconcileDeletes then
    // reads the merged mirror itself) instead of waiting for a transaction that waits for it.
    await client.query('begin transaction read only');
    await client.query(`set local lock_timeout = '${MIRROR_READ_LOCK_TIMEOUT}'`);
    // A table's first merge (a run limited with --tables) creates its mirror: no keys to lose yet.
    const { rows: found } = await client.query<{ exists: boolean }>(
      'select to_regclass($1) is not null as exists',
      [mirror],
    );
    if (!found[0]!.exists) return new Map();
    const { rows } = await client.query<{ r: string; n: string; s: string }>(
      `select (k / ${RANGE_KEYS})::text as r, count(*)::text as n, sum(k)::text as s
       from (
         select ${key} as k from ${mirror} where _deleted_at is null
         union all
         select distinct b.${key} from ${batch} b
         where not exists (select 1 from ${mirror} m where m.${key} = b.${key} and m._deleted_at is null)
       ) as live_keys
       group by 1`,
    );
    return keyRanges(rows);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

/** The merged mirror's live keys per range, read in the transform's own transaction. */
async function mergedMirrorKeyRanges(client: pg.ClientBase, table: SourceTable): Promise<KeyRanges> {
  const key = ident(table.primaryKey);
  const { rows } = await client.query<{ r: string; n: string; s: string }>(
    `select (${key} / ${RANGE_KEYS})::text as r, count(*)::text as n, sum(${key})::text as s
     from ${mirrorTable(table.database, table.table)} where _deleted_at is null group by 1`,
  );
  return keyRanges(rows);
}

/**
 * Hard deletes are invisible to a watermark, so for tables configured for it the key sets of source and
 * mirror are compared range by range; only ranges whose count or key sum differ are listed key by key.
 * Keys gone from the source are marked deleted in the mirror (stamped with the run, so the transforms
 * see them). Runs in the caller's transaction, after the batch is merged; returns the keys marked.
 */
export async function reconcileDeletes(
  deps: PipelineDeps,
  client: pg.ClientBase,
  table: SourceTable,
  runId: number,
  reads: KeyRangeReads,
): Promise<number> {
  const [source, mirror] = await Promise.all([
    reads.source,
    reads.mirror.catch(() => mergedMirrorKeyRanges(client, table)),
  ]);
  const sides: Sides = {
    client,
    runId,
    source: deps.source(table.database as SourceDatabase),
    sourceTable: `\`${table.table}\``,
    sourceKey: `\`${table.primaryKey}\``,
    mirror: mirrorTable(table.database, table.table),
    key: ident(table.primaryKey),
  };
  let marked = 0;
  for (const r of differingRanges(mirror, source)) {
    marked += await reconcileRange(sides, rangeBounds(r, RANGE_KEYS));
  }
  return marked;
}

/** One table's two sides, as the range checks query them (the mirror in the transform's transaction). */
interface Sides {
  client: pg.ClientBase;
  runId: number;
  source: MysqlPool;
  sourceTable: string;
  sourceKey: string;
  mirror: string;
  key: string;
}

/**
 * The keys of range `r` of `keys` keys: both sides divide truncating toward zero, so range 0 spans
 * both signs.
 */
function rangeBounds(r: bigint, keys: number): string[] {
  const width = BigInt(keys);
  const [start, end] = [
    r > 0n ? r * width : r * width - (width - 1n),
    r < 0n ? r * width : r * width + (width - 1n),
  ];
  return [start.toString(), end.toString()];
}

/**
 * One range whose totals differ: both sides' totals per subrange (a key-range scan each), then only
 * the subranges that differ are listed. A few deletes cost a few thousand keys read, not a whole range
 * on each side for each delete's range.
 */
async function reconcileRange(sides: Sides, range: string[]): Promise<number> {
  const { client, source, sourceTable, sourceKey, mirror, key } = sides;
  const [[sourceRows], { rows: mirrorRows }] = await Promise.all([
    source.query<RowDataPacket[]>(
      `SELECT ${sourceKey} DIV ${SUBRANGE_KEYS} AS r, COUNT(*) AS n, SUM(${sourceKey}) AS s
       FROM ${sourceTable} WHERE ${sourceKey} BETWEEN ? AND ? GROUP BY r`,
      range,
    ),
    client.query<{ r: string; n: string; s: string }>(
      `select (${key} / ${SUBRANGE_KEYS})::text as r, count(*)::text as n, sum(${key})::text as s
       from ${mirror} where ${key} between $1 and $2 and _deleted_at is null group by 1`,
      range,
    ),
  ]);
  let marked = 0;
  for (const r of differingRanges(keyRanges(mirrorRows), keyRanges(sourceRows as RangeRow[]))) {
    marked += await markRangeDeletes(sides, rangeBounds(r, SUBRANGE_KEYS));
  }
  return marked;
}

/** Lists one (sub)range's keys on both sides and marks the mirror's keys the source no longer has. */
async function markRangeDeletes(sides: Sides, range: string[]): Promise<number> {
  const { client, runId, source, sourceTable, sourceKey, mirror, key } = sides;
  const [sourceRows] = await source.query<RowDataPacket[]>({
    sql: `SELECT ${sourceKey} FROM ${sourceTable} WHERE ${sourceKey} BETWEEN ? AND ?`,
    values: range,
    rowsAsArray: true,
  });
  const present = new Set((sourceRows as unknown as unknown[][]).map((r) => String(r[0])));
  const { rows: mirrorKeys } = await client.query<{ k: string }>(
    `select ${key}::text as k from ${mirror} where ${key} between $1 and $2 and _deleted_at is null`,
    range,
  );
  const gone = mirrorKeys.map((r) => r.k).filter((k) => !present.has(k));
  if (gone.length === 0) return 0;
  const result = await client.query(
    `update ${mirror} set _deleted_at = now(), _loaded_at = now(), _etl_run_id = $2 where ${key} = any($1::bigint[])`,
    [gone, runId],
  );
  return result.rowCount ?? 0;
}
