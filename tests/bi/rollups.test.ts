import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, simulateDays } from '../../demo/index.ts';
import { loadRuleFiles, runQualityChecks, selectRules } from '../../dq/index.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { rollupDifferences } from '../support/rollup-checks.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { placeOrder, SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

/** Issue 16: the daily rollups equal a full aggregation of fact_sales after every kind of run. */
describe('daily sales rollups', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  const run = () => runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });

  async function expectRollupsEqualFact(): Promise<void> {
    for (const d of await rollupDifferences(deps.warehouse)) {
      expect({ table: d.table, missingOrWrong: d.missingOrWrong, extra: d.extra }).toEqual({
        table: d.table,
        missingOrWrong: [],
        extra: [],
      });
      expect(d.rows, d.table).toBe(d.fullRows);
      expect(d.rows, d.table).toBeGreaterThan(0);
    }
  }

  /** The rule comparing the region rollup with the fact, over every day. */
  async function checkRollupRule() {
    const rules = selectRules(loadRuleFiles(), ['agg_sales_daily_region__equals_fact_sales']);
    const summary = await runQualityChecks(deps, rules, { etlRunId: null });
    return summary.results[0]!;
  }

  const rollupStep = (summary: Awaited<ReturnType<typeof run>>) =>
    summary.transform.targets.find((t) => t.target === 'dwh.agg_sales_daily');

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    deps = createPipelineDeps(scratch.config);
    await seedDemoData(scratch.config, {
      scale: 0.05,
      seed: 'rollups',
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

  it('after a first load', async () => {
    const summary = await run();
    expect(summary.transform.incremental).toBe(false);
    expect(rollupStep(summary)!.inserted).toBeGreaterThan(0);
    await expectRollupsEqualFact();
  });

  it('after simulated days (new orders, status changes, refunds, deleted lines, customers moving)', async () => {
    const simulated = await simulateDays(scratch.config, { days: 3, seed: 'rollups', quiet: true });
    expect(simulated.totals.orders_created).toBeGreaterThan(0);
    const summary = await run();
    expect(summary.transform.incremental).toBe(true);
    // only the touched days are rolled up again, not the whole history
    const { rows } = await deps.warehouse.query<{ all_days: number; this_run: number }>(
      `select count(distinct order_date_key)::int as all_days,
              count(distinct order_date_key) filter (where etl_run_id = $1)::int as this_run
       from dwh.agg_sales_daily_region`,
      [summary.runId],
    );
    expect(rows[0]!.this_run).toBeGreaterThan(0);
    expect(rows[0]!.this_run).toBeLessThan(rows[0]!.all_days);
    await expectRollupsEqualFact();
  });

  it('rolls nothing up when nothing changed', async () => {
    const summary = await run();
    expect(rollupStep(summary)!.inserted).toBe(0);
    await expectRollupsEqualFact();
  });

  it('the adds-up rules catch a rollup that no longer adds up, scoped to the run that wrote its day', async () => {
    const rules = selectRules(loadRuleFiles(), [
      'agg_sales_daily_category__adds_up_to_region_rollup',
      'agg_sales_daily_manager__adds_up_to_region_rollup',
      'agg_sales_daily_payment_method__adds_up_to_region_rollup',
    ]);
    const failingCounts = async (options: Parameters<typeof runQualityChecks>[2]) =>
      Object.fromEntries(
        (await runQualityChecks(deps, rules, options)).results.map((r) => [r.ruleName, r.failingCount]),
      );
    const { rows } = await deps.warehouse.query<{
      day: number;
      region: string;
      category: string;
      run: string;
    }>(
      `select order_date_key as day, region_key as region, category_key as category, etl_run_id as run
       from dwh.agg_sales_daily_category order by order_date_key desc limit 1`,
    );
    const damaged = rows[0]!;
    const where = 'where order_date_key = $1 and region_key = $2 and category_key = $3';
    const key = [damaged.day, damaged.region, damaged.category];
    await deps.warehouse.query(
      `update dwh.agg_sales_daily_category set net_revenue = net_revenue + 1 ${where}`,
      key,
    );
    try {
      const expected = {
        agg_sales_daily_category__adds_up_to_region_rollup: 1,
        agg_sales_daily_manager__adds_up_to_region_rollup: 0,
        agg_sales_daily_payment_method__adds_up_to_region_rollup: 0,
      };
      expect(await failingCounts({ etlRunId: null })).toEqual(expected);
      expect(await failingCounts({ etlRunId: Number(damaged.run), scope: 'run' })).toEqual(expected);
      // a run that rolled up other days does not look at this one
      expect(
        (await failingCounts({ etlRunId: Number(damaged.run) + 1000, scope: 'run' }))
          .agg_sales_daily_category__adds_up_to_region_rollup,
      ).toBe(0);
    } finally {
      await deps.warehouse.query(
        `update dwh.agg_sales_daily_category set net_revenue = net_revenue - 1 ${where}`,
        key,
      );
    }
    expect(await failingCounts({ etlRunId: null })).toEqual({
      agg_sales_daily_category__adds_up_to_region_rollup: 0,
      agg_sales_daily_manager__adds_up_to_region_rollup: 0,
      agg_sales_daily_payment_method__adds_up_to_region_rollup: 0,
    });
  });

  it('after a backfill that repairs damaged facts', async () => {
    const [order] = await writer.rows<{ id: number; day: string }>(
      'orders',
      "SELECT id, DATE_FORMAT(updated_at, '%Y-%m-%d') AS day FROM orders WHERE status = 'delivered' ORDER BY id DESC LIMIT 1",
    );
    // someone damages the warehouse by hand; the rollup still holds the right figures
    await deps.warehouse.query('update dwh.fact_sales set net_amount = 0 where order_id = $1', [order!.id]);
    expect((await rollupDifferences(deps.warehouse)).some((d) => d.missingOrWrong.length > 0)).toBe(true);
    // the data-quality rule sees it too
    const before = await checkRollupRule();
    expect(before.status).toBe('fail');
    expect(before.failingCount).toBeGreaterThan(0);
    await runPipeline(deps, {
      tables: TEST_TABLES,
      kind: 'backfill',
      trigger: 'test',
      windowFrom: `${order!.day} 00:00:00.000000`,
      windowTo: `${order!.day} 23:59:59.999999`,
    });
    await expectRollupsEqualFact();
    expect((await checkRollupRule()).status).toBe('pass');
  });

  it('after late-arriving dimensions: a product completed in place, a customer moved before its orders', async () => {
    const [someone] = await writer.rows<{ id: number; employee_id: number; region_id: number }>(
      'orders',
      'SELECT c.id, c.manager_id AS employee_id, c.region_id FROM customers c WHERE c.manager_id IS NOT NULL ORDER BY c.id LIMIT 1',
    );
    // an order line for a product the catalogue does not have yet: an inferred member, category unknown
    const lateProductId = 900_001;
    await placeOrder(writer, {
      customerId: someone!.id,
      employeeId: someone!.employee_id,
      lines: [{ productId: lateProductId, quantity: 2, unitPrice: '50.00' }],
      paidWith: 'card',
    });
    await run();
    const unknownCategory = await deps.warehouse.query(
      `select count(*)::int as n from dwh.agg_sales_daily_category where category_key = 0`,
    );
    expect(unknownCategory.rows[0].n).toBeGreaterThan(0);
    await expectRollupsEqualFact();

    const [category] = await writer.rows<{ id: number }>(
      'catalog',
      'SELECT id FROM categories WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1',
    );
    await writer.insert('catalog', 'products', {
      id: lateProductId,
      sku: 'LATE-ROLLUP',
      name: 'Прибув пізніше',
      category_id: category!.id,
      price: '50.00',
    });
    const completedRun = await run();
    const { rows: completed } = await deps.warehouse.query(
      `select count(*)::int as n from dwh.agg_sales_daily_category a
       join dwh.dim_category c using (category_key)
       where c.category_id = $1 and a.etl_run_id = $2`,
      [category!.id, completedRun.runId],
    );
    expect(completed[0].n).toBeGreaterThan(0);
    await expectRollupsEqualFact();
    const { rows: pending } = await deps.warehouse.query(
      'select count(*)::int as n from dwh.agg_pending_products',
    );
    expect(pending[0].n).toBe(0);

    // a customer's move to another region that took effect before their latest order, arriving now
    const [latest] = await writer.rows<{ id: number; just_before: string }>(
      'orders',
      `SELECT id, DATE_FORMAT(created_at - INTERVAL 1 MICROSECOND, '%Y-%m-%d %H:%i:%s.%f') AS just_before
       FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 1`,
      [someone!.id],
    );
    const [otherRegion] = await writer.rows<{ id: number }>(
      'orders',
      'SELECT id FROM regions WHERE id <> ? ORDER BY id LIMIT 1',
      [someone!.region_id],
    );
    await writer.exec('orders', 'UPDATE customers SET region_id = ?, updated_at = ? WHERE id = ?', [
      otherRegion!.id,
      latest!.just_before,
      someone!.id,
    ]);
    await run();
    const { rows: moved } = await deps.warehouse.query(
      `select r.region_id from dwh.fact_sales f join dwh.dim_region r using (region_key) where f.order_id = $1`,
      [latest!.id],
    );
    expect(moved.map((r) => Number(r.region_id))).toContain(otherRegion!.id);
    await expectRollupsEqualFact();
  });
});
