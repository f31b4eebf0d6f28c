import type { RowDataPacket } from 'mysql2/promise';
import type { SourceDatabase } from '../../core/config.ts';
import type { PipelineDeps } from '../deps.ts';
import type { SourceTable } from '../source-tables.ts';

/**
 * How many rows a backfill window holds over its tables (cursor within [from, to], UTC), counted on
 * the cursor index the extract walks: what a backfill sizes its parts by. Each table is one index
 * range count, a small fraction of reading the rows.
 */
export async function countWindowRows(
  deps: PipelineDeps,
  tables: readonly SourceTable[],
  windowFrom: string,
  windowTo: string,
): Promise<number> {
  // All at once: the counts run before the backfill's first part can start, so they are its latency.
  const counts = await Promise.all(
    tables.map(async (table) => {
      const cursor = `\`${table.cursorColumn}\``;
      const [result] = await deps
        .source(table.database as SourceDatabase)
        .query<RowDataPacket[]>(
          `SELECT COUNT(*) AS n FROM \`${table.table}\` WHERE ${cursor} >= ? AND ${cursor} <= ?`,
          [windowFrom, windowTo],
        );
      return Number(result[0]?.n ?? 0);
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
