import type pg from 'pg';
import { queryWarehouse, quoteName } from '../run/read-only-queries.ts';
import type { DailyTotals } from './daily-totals.ts';

export interface WarehouseTotalsQuery {
  from: string;
  where?: string;
  dateKey: string;
  measures: readonly string[];
  /** Only these local days (yyyymmdd keys). */
  days?: readonly number[];
}

/** One aggregate pass over the warehouse table, grouped by its local-day key. */
export async function warehouseDailyTotals(
  warehouse: pg.Pool,
  query: WarehouseTotalsQuery,
): Promise<DailyTotals> {
  if (query.days?.length === 0) return new Map();
  const where = [
    query.where ? `(${query.where})` : undefined,
    query.days ? `${quoteName(query.dateKey)} = any($1::int[])` : undefined,
  ].filter((w) => w !== undefined);
  const rows = await queryWarehouse<Record<string, string>>(
    warehouse,
    `select ${quoteName(query.dateKey)}::int as day_key, count(*) as row_count
            ${query.measures.map((m, i) => `, sum(${m})::text as sum_${i}`).join('')}
     from ${query.from}
     ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     group by 1`,
    query.days ? [query.days] : [],
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
