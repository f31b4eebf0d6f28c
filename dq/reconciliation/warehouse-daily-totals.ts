import type pg from 'pg';
import { queryWarehouse, quoteName } from '../run/read-only-queries.ts';
import type { DailyTotals } from './daily-totals.ts';

export interface WarehouseTotalsQuery {
  from: string;
  where?: string;
  dateKey: string;
  measures: readonly string[];
}

/** One aggregate pass over the warehouse table, grouped by its local-day key. */
export async function warehouseDailyTotals(
  warehouse: pg.Pool,
  query: WarehouseTotalsQuery,
): Promise<DailyTotals> {
  const rows = await queryWarehouse<Record<string, string>>(
    warehouse,
    `select ${quoteName(query.dateKey)}::int as day_key, count(*) as row_count
            ${query.measures.map((m, i) => `, sum(${m})::text as sum_${i}`).join('')}
     from ${query.from}
     ${query.where ? `where ${query.where}` : ''}
     group by 1`,
  );
  return new Map(
    rows.map((row) => [
      Number(row.day_key),
      {
        rows: Number(row.row_count),
        sums: query.measures.map((_, i) => row[`sum_${i}`] ?? '0'),
        changedAt: [],
      },
    ]),
  );
}
