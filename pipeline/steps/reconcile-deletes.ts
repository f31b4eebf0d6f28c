import type { RowDataPacket } from 'mysql2/promise';
import type pg from 'pg';
import type { SourceDatabase } from '../../core/config.ts';
import { ident, mirrorTable } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import type { SourceTable } from '../source-tables.ts';

/** Keys compared per round trip: a count and a sum per range find the ranges worth listing. */
const RANGE_KEYS = 100_000;

/**
 * Hard deletes are invisible to a watermark, so for tables configured for it the key sets of source and
 * mirror are compared range by range; only ranges whose count or key sum differ are listed key by key.
 * Keys gone from the source are marked deleted in the mirror (stamped with the run, so the transforms
 * see them). Runs in the caller's transaction; returns the number of keys marked.
 */
export async function reconcileDeletes(
  deps: PipelineDeps,
  client: pg.ClientBase,
  table: SourceTable,
  runId: number,
): Promise<number> {
  const mirror = mirrorTable(table.database, table.table);
  const key = ident(table.primaryKey);
  const sourceKey = `\`${table.primaryKey}\``;
  const sourceTable = `\`${table.table}\``;
  const source = deps.source(table.database as SourceDatabase);
  const { rows: bounds } = await client.query<{ lo: string | null; hi: string | null }>(
    `select min(${key})::text as lo, max(${key})::text as hi from ${mirror} where _deleted_at is null`,
  );
  if (!bounds[0]?.lo || !bounds[0].hi) return 0;
  const lo = BigInt(bounds[0].lo);
  const hi = BigInt(bounds[0].hi);
  let marked = 0;
  for (let start = lo; start <= hi; start += BigInt(RANGE_KEYS)) {
    const end = start + BigInt(RANGE_KEYS) - 1n;
    const range = [start.toString(), end.toString()];
    const [[src]] = (await source.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, COALESCE(SUM(${sourceKey}), 0) AS s FROM ${sourceTable} WHERE ${sourceKey} BETWEEN ? AND ?`,
      range,
    )) as unknown as [[{ n: string | number; s: string | number }]];
    const { rows: wh } = await client.query<{ n: string; s: string }>(
      `select count(*)::text as n, coalesce(sum(${key}), 0)::text as s from ${mirror}
       where ${key} between $1 and $2 and _deleted_at is null`,
      range,
    );
    if (String(src.n) === wh[0]!.n && String(src.s) === wh[0]!.s) continue;
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
    if (gone.length === 0) continue;
    const result = await client.query(
      `update ${mirror} set _deleted_at = now(), _loaded_at = now(), _etl_run_id = $2 where ${key} = any($1::bigint[])`,
      [gone, runId],
    );
    marked += result.rowCount ?? 0;
  }
  return marked;
}
