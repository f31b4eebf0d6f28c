import type { Pool as MysqlPool, RowDataPacket } from 'mysql2/promise';
import type pg from 'pg';
import { childLogger } from '../../core/logger.ts';
import {
  ensureKeyRangeTracking,
  ident,
  type KeyRangeRow,
  mirrorTable,
  readKeyRanges,
  recountKeyRange,
  scanKeyRanges,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { mapBounded } from '../map-bounded.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';

const log = childLogger({ step: 'reconcile-deletes' });

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

/** Ranges per source statement: the statement grows with them. */
const RANGES_PER_STATEMENT = 500;

/**
 * The source's keys per range. Only the ranges the mirror holds keys in can hold deletes, so those are
 * read, each as a key-range scan (all of them: a third cheaper than grouping the whole table, which
 * MariaDB does through a temporary table); a mirror not tracked yet has the whole table grouped.
 *
 * The extract step reads them, beside its rows, before this run's batch is merged. That is early
 * enough: a key the source gained since is only listed, never marked, and a key it lost since is
 * marked by the next run. Keys are only ever marked from a listing read inside the transform's
 * transaction, after the merge.
 */
export async function readSourceKeyRanges(deps: PipelineDeps, table: SourceTable): Promise<KeyRanges> {
  const source = deps.source(table.database);
  const key = `\`${table.primaryKey}\``;
  const from = `\`${table.table}\``;
  const tracked = await readKeyRanges(deps.warehouse, stagingSpec(table));
  if (tracked.length === 0) {
    const [rows] = await source.query<RowDataPacket[]>(
      `SELECT ${key} DIV ${RANGE_KEYS} AS r, COUNT(*) AS n, SUM(${key}) AS s FROM ${from} GROUP BY r`,
    );
    return keyRanges(rows as RangeRow[]);
  }
  // Two statements at least: MariaDB runs each on one core.
  const perStatement = Math.min(RANGES_PER_STATEMENT, Math.ceil(tracked.length / 2));
  const statements: string[] = [];
  for (let i = 0; i < tracked.length; i += perStatement) {
    const selects = tracked.slice(i, i + perStatement).map(({ range }) => {
      const [start, end] = rangeBounds(BigInt(range), RANGE_KEYS);
      return `SELECT ${range} AS r, COUNT(*) AS n, COALESCE(SUM(${key}), 0) AS s FROM ${from} WHERE ${key} BETWEEN ${start} AND ${end}`;
    });
    statements.push(selects.join(' UNION ALL '));
  }
  const results = await mapBounded(statements, 2, (sql) => source.query<RowDataPacket[]>(sql));
  return new Map(results.flatMap(([rows]) => [...keyRanges(rows as RangeRow[])]));
}

/**
 * Makes the table's mirror keep its own side of the comparison (warehouse/key-range-tracking.ts), in
 * the caller's transaction: from `initial` (a batch that became the mirror, read elsewhere), else,
 * should the mirror not be tracked yet, from one scan of it.
 */
export async function trackMirrorKeyRanges(
  client: pg.ClientBase,
  table: SourceTable,
  initial?: readonly KeyRangeRow[],
): Promise<void> {
  await ensureKeyRangeTracking(client, stagingSpec(table), RANGE_KEYS, initial);
}

/** A batch's keys per range, to start tracking the mirror it becomes (`trackMirrorKeyRanges`). */
export function scanBatchKeyRanges(
  client: pg.ClientBase,
  table: SourceTable,
  batch: string,
): Promise<KeyRangeRow[]> {
  return scanKeyRanges(client, batch, table.primaryKey, RANGE_KEYS);
}

/**
 * Hard deletes are invisible to a watermark, so for tables configured for it the key sets of source and
 * mirror are compared range by range; only ranges whose count or key sum differ are listed key by key.
 * The mirror's side costs no scan: its triggers keep it (warehouse/key-range-tracking.ts); the
 * source's comes from `readSourceKeyRanges`, read before. Keys gone from the source are marked deleted
 * in the mirror (stamped with the run, so the transforms see them). Runs in the caller's transaction,
 * after the batch is merged; returns the keys marked.
 */
export async function reconcileDeletes(
  deps: PipelineDeps,
  client: pg.ClientBase,
  table: SourceTable,
  runId: number,
  sourceRead: Promise<KeyRanges>,
): Promise<number> {
  await trackMirrorKeyRanges(client, table);
  const mirror = keyRanges(
    (await readKeyRanges(client, stagingSpec(table))).map((row) => ({
      r: row.range,
      n: row.keys,
      s: row.keySum,
    })),
  );
  const source = await sourceRead;
  const sides: Sides = {
    table,
    client,
    runId,
    source: deps.source(table.database),
    sourceTable: `\`${table.table}\``,
    sourceKey: `\`${table.primaryKey}\``,
    mirror: mirrorTable(table.database, table.table),
    key: ident(table.primaryKey),
  };
  let marked = 0;
  for (const r of differingRanges(mirror, source)) {
    marked += await reconcileRange(sides, r, mirror.get(String(r))!);
  }
  return marked;
}

/** One table's two sides, as the range checks query them (the mirror in the transform's transaction). */
interface Sides {
  table: SourceTable;
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
 * on each side for each delete's range. Should the mirror's keys in the range not add up to the totals
 * its triggers kept, the range is counted again (and a warning says so).
 */
async function reconcileRange(sides: Sides, r: bigint, kept: { n: string; s: string }): Promise<number> {
  const { client, source, sourceTable, sourceKey, mirror, key } = sides;
  const range = rangeBounds(r, RANGE_KEYS);
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
  for (const sub of differingRanges(keyRanges(mirrorRows), keyRanges(sourceRows as RangeRow[]))) {
    marked += await markRangeDeletes(sides, rangeBounds(sub, SUBRANGE_KEYS));
  }
  const counted = mirrorRows.reduce((sum, row) => sum + BigInt(row.n), 0n);
  const summed = mirrorRows.reduce((sum, row) => sum + BigInt(row.s), 0n);
  if (String(counted) !== kept.n || String(summed) !== kept.s) {
    log.warn(
      { table: qualifiedName(sides.table), range: String(r), kept, counted: String(counted) },
      'the kept key totals of a mirror range were wrong (its triggers were bypassed?): counted again',
    );
    await recountKeyRange(client, stagingSpec(sides.table), String(r), range);
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
