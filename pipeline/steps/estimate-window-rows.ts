import type { RowDataPacket } from 'mysql2/promise';
import type { SourceDatabase } from '../../core/config.ts';
import type { PipelineDeps } from '../deps.ts';
import type { SourceTable } from '../source-tables.ts';

/**
 * About how many rows a backfill window holds over its tables (cursor within [from, to], UTC): what
 * a backfill sizes its parts by, so an estimate does. The optimizer's estimate for the range on the
 * cursor index (EXPLAIN, a few index dives) takes tens of milliseconds where COUNT(*) walks the range:
 * 3.1 s for a year of order_items at scale 10 against 68 ms, estimates within 2× of the counts, and
 * the plan runs before the first part can start. All tables at once, for the same reason.
 */
export async function estimateWindowRows(
  deps: PipelineDeps,
  tables: readonly SourceTable[],
  windowFrom: string,
  windowTo: string,
): Promise<number> {
  const estimates = await Promise.all(
    tables.map(async (table) => {
      const cursor = `\`${table.cursorColumn}\``;
      const [plan] = await deps
        .source(table.database as SourceDatabase)
        .query<RowDataPacket[]>(
          `EXPLAIN SELECT 1 FROM \`${table.table}\` WHERE ${cursor} >= ? AND ${cursor} <= ?`,
          [windowFrom, windowTo],
        );
      return Number(plan[0]?.rows ?? 0) || 0;
    }),
  );
  return estimates.reduce((sum, n) => sum + n, 0);
}
