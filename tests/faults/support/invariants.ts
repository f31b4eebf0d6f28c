import type pg from 'pg';
import { expect } from 'vitest';
import type { SourceWriter } from '../../support/source-writer.ts';
import { factDailyTotals, mirrorCounts, sourceDailyTotals } from '../../support/warehouse-checks.ts';

const SCD2_DIMENSIONS = [
  { table: 'dwh.dim_customer', key: 'customer_id', surrogate: 'customer_key' },
  { table: 'dwh.dim_product', key: 'product_id', surrogate: 'product_key' },
  { table: 'dwh.dim_employee', key: 'employee_id', surrogate: 'employee_key' },
] as const;

/** SCD2 versions of one dimension that break the chain: several or no current, overlap, gap. */
async function scd2Problems(db: pg.Pool, dim: (typeof SCD2_DIMENSIONS)[number]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select is_current, valid_to,
              lead(valid_from) over w as next_from,
              count(*) filter (where is_current) over (partition by ${dim.key}) as current_versions
       from ${dim.table} where ${dim.surrogate} <> 0
       window w as (partition by ${dim.key} order by valid_from, ${dim.surrogate})) v
     where current_versions <> 1
        or (next_from is not null and next_from <> valid_to)
        or (is_current and next_from is not null)`,
  );
  return rows[0]!.n;
}

/**
 * What every fault scenario checks after the fault: the warehouse equals the sources — each mirror's
 * row count, order lines and net amount per local day, the very set of order-line keys in fact_sales,
 * and unbroken SCD2 chains. Fails through expect(); returns how many rows it compared.
 */
export async function expectWarehouseEqualsSources(
  writer: SourceWriter,
  warehouse: pg.Pool,
): Promise<number> {
  let compared = 0;
  for (const c of await mirrorCounts(writer, warehouse)) {
    expect(c.mirror, `rows of mirror ${c.table}`).toBe(c.source);
    compared += c.source;
  }
  const source = await sourceDailyTotals(writer);
  expect(await factDailyTotals(warehouse), 'order lines and net amount per local day').toEqual(source);

  const sourceKeys = (
    await writer.rows<{ id: number }>('orders', 'SELECT id FROM order_items ORDER BY id')
  ).map((r) => Number(r.id));
  const { rows } = await warehouse.query<{ id: string }>(
    'select order_item_id::text as id from dwh.fact_sales where deleted_at is null order by order_item_id',
  );
  const factKeys = rows.map((r) => Number(r.id));
  expect(factKeys.length, 'live order lines in fact_sales').toBe(sourceKeys.length);
  expect(factKeys, 'order-line keys in fact_sales').toEqual(sourceKeys);
  compared += factKeys.length;

  for (const dim of SCD2_DIMENSIONS) {
    expect(await scd2Problems(warehouse, dim), `broken SCD2 versions in ${dim.table}`).toBe(0);
  }
  return compared;
}
