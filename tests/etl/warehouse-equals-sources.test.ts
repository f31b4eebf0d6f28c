import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, simulateDays } from '../../demo/index.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import {
  factDailyTotals,
  mirrorCounts,
  sourceDailyTotals,
  starSchemaDigest,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';

describe('the warehouse equals the sources', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  const run = () => runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });

  /** Row counts per table, and order lines and net amounts per local day. */
  async function expectEqual(): Promise<void> {
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

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    deps = createPipelineDeps(scratch.config);
    await seedDemoData(scratch.config, {
      scale: 0.05,
      seed: 'equal',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
  });
  afterAll(async () => {
    await deps.close();
    await writer.close();
    await scratch.drop();
  });

  it('after seeding and a first run', async () => {
    const summary = await run();
    expect(summary.transform.incremental).toBe(false);
    await expectEqual();
  });

  it('after simulated days and another run, with history kept for customers who moved', async () => {
    const simulated = await simulateDays(scratch.config, { days: 2, seed: 'equal', quiet: true });
    expect(simulated.totals.orders_created).toBeGreaterThan(0);
    const summary = await run();
    expect(summary.transform.incremental).toBe(true);
    await expectEqual();
    const moved = simulated.totals.customers_moved_region + simulated.totals.customers_reassigned;
    const { rows } = await deps.warehouse.query(
      'select count(*)::int as n from dwh.dim_customer where version > 1',
    );
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].n).toBeLessThanOrEqual(moved);
  });

  it('changes nothing when nothing changed', async () => {
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
