import { describe, expect } from 'vitest';
import { seedDemoData, simulateDays } from '../../demo/index.ts';
import type { PipelineDeps } from '../../pipeline/index.ts';
import { etlTest } from '../support/fixtures.ts';
import type { SourceWriter } from '../support/source-writer.ts';
import {
  factDailyTotals,
  mirrorCounts,
  sourceDailyTotals,
  starSchemaDigest,
} from '../support/warehouse-checks.ts';

// Every test asks for `seeded`, so the demo data is written once, before whichever test runs first.
const test = etlTest.extend<{ seeded: undefined }>({
  seeded: [
    async ({ scratch }, use) => {
      await seedDemoData(scratch.config, {
        scale: 0.05,
        seed: 'equal',
        anchorDay: '2026-11-20',
        reset: false,
        quiet: true,
      });
      await use(undefined);
    },
    { scope: 'file' },
  ],
});

describe('the warehouse equals the sources', () => {
  /** Row counts per table, and order lines and net amounts per local day. */
  async function expectEqual(writer: SourceWriter, deps: PipelineDeps): Promise<void> {
    for (const c of await mirrorCounts(writer, deps.warehouse)) expect(c.mirror, c.table).toBe(c.source);
    const source = await sourceDailyTotals(writer);
    const warehouse = await factDailyTotals(deps.warehouse);
    expect(warehouse.size).toBe(source.size);
    expect(warehouse).toEqual(source);
    const [items] = await writer.rows<{ n: number }>('orders', 'SELECT COUNT(*) AS n FROM order_items');
    const { rows } = await deps.warehouse.query(
      `select count(*) filter (where deleted_at is null)::int as live,
              count(*) filter (where customer_key = 0 or product_key = 0 or region_key = 0 or order_date_key = 0)::int as unknown
       from dwh.fact_sales`,
    );
    expect(rows[0]).toEqual({ live: Number(items!.n), unknown: 0 });
    const [customers] = await writer.rows<{ n: number }>('orders', 'SELECT COUNT(*) AS n FROM customers');
    const current = await deps.warehouse.query(
      'select count(*)::int as n from dwh.dim_customer where is_current and customer_key <> 0 and not is_inferred',
    );
    expect(current.rows[0].n).toBe(Number(customers!.n));
  }

  test('after seeding and a first run', async ({ seeded: _, writer, deps, run }) => {
    const summary = await run();
    expect(summary.transform.incremental).toBe(false);
    await expectEqual(writer, deps);
  });

  test('after simulated days and another run, with history kept for customers who moved', async ({
    seeded: _,
    scratch,
    writer,
    deps,
    run,
  }) => {
    const simulated = await simulateDays(scratch.config, { days: 2, seed: 'equal', quiet: true });
    expect(simulated.totals.orders_created).toBeGreaterThan(0);
    const summary = await run();
    expect(summary.transform.incremental).toBe(true);
    await expectEqual(writer, deps);
    const moved = simulated.totals.customers_moved_region + simulated.totals.customers_reassigned;
    const { rows } = await deps.warehouse.query(
      'select count(*)::int as n from dwh.dim_customer where version > 1',
    );
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].n).toBeLessThanOrEqual(moved);
  });

  test('changes nothing when nothing changed', async ({ seeded: _, deps, run }) => {
    const before = await starSchemaDigest(deps.warehouse);
    const { rows: stamp } = await deps.warehouse.query(
      `select (select max(loaded_at) from dwh.fact_sales) as fact, (select max(loaded_at) from dwh.dim_customer) as customer,
              (select max(_loaded_at) from stg."orders__order_items") as mirror`,
    );
    const summary = await run();
    for (const target of summary.transform.targets) {
      expect([target.target, target.inserted, target.updated, target.deleted]).toEqual([
        target.target,
        0,
        0,
        0,
      ]);
    }
    expect(await starSchemaDigest(deps.warehouse)).toEqual(before);
    const { rows: after } = await deps.warehouse.query(
      `select (select max(loaded_at) from dwh.fact_sales) as fact, (select max(loaded_at) from dwh.dim_customer) as customer,
              (select max(_loaded_at) from stg."orders__order_items") as mirror`,
    );
    expect(after).toEqual(stamp);
  });
});
