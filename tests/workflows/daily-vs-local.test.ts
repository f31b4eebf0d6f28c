import { ActivityFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { pipelineProgressQuery } from '../../workflows/definitions.ts';
import { startDailyPipeline } from '../../workflows/start-workflows.ts';
import { breakNextLoadOf } from '../support/broken-load.ts';
import { placeOrder, seedSmallShop } from '../support/source-writer.ts';
import { mirrorCounts, starSchemaDigest, TEST_TABLES } from '../support/warehouse-checks.ts';
import { uniqueId } from './support/temporal-harness.ts';
import { workflowTest } from './support/workflow-fixtures.ts';

/**
 * The small shop with 20 orders, and `settledItem`: an order line last changed two hours ago, past the
 * lookback, which later runs leave alone (the data-quality test breaks its next load).
 */
const test = workflowTest.extend<{ settledItem: number }>({
  settledItem: [
    async ({ writer }, use) => {
      const shop = await seedSmallShop(writer);
      for (let i = 0; i < 20; i++) {
        await placeOrder(writer, {
          customerId: shop.customers[i % 2]!,
          employeeId: shop.employees[i % 2]!,
          lines: [
            { productId: shop.products[0]!, quantity: 1 + i, unitPrice: '19999.99', discount: '10.00' },
            { productId: shop.products[1]!, quantity: 2, unitPrice: '299.50' },
          ],
          paidWith: i % 3 === 0 ? undefined : 'card',
        });
      }
      // A line last changed two hours ago: past the lookback, so later runs leave its fact row alone.
      const [settled] = await writer.rows<{ at: string }>(
        'orders',
        "SELECT DATE_FORMAT(NOW(6) - INTERVAL 2 HOUR, '%Y-%m-%d %H:%i:%s.%f') AS at",
      );
      const settledOrder = await writer.insert('orders', 'orders', {
        customer_id: shop.customers[0],
        employee_id: shop.employees[0],
        subtotal_amount: '40.00',
        total_amount: '40.00',
        created_at: settled!.at,
        updated_at: settled!.at,
      });
      const settledItem = await writer.insert('orders', 'order_items', {
        order_id: settledOrder,
        product_id: shop.products[1],
        quantity: 4,
        unit_price: '10.00',
        created_at: settled!.at,
        updated_at: settled!.at,
      });
      await use(settledItem);
    },
    { scope: 'file' },
  ],
});

describe('dailyPipeline through Temporal', () => {
  test('builds the same warehouse as a --local run on the same sources', async ({
    writer,
    worker,
    twin,
    settledItem: _,
  }) => {
    const started = await startDailyPipeline(
      worker.temporal.client,
      {},
      { taskQueue: worker.taskQueue, workflowId: uniqueId('etl-daily-test') },
    );
    const outcome = await started.handle.result();
    expect(outcome.extracts.map((e) => e.table).sort()).toEqual(
      TEST_TABLES.map((t) => `${t.database}.${t.table}`).sort(),
    );

    const progress = await started.handle.query(pipelineProgressQuery);
    expect(progress.phase).toBe('succeeded');
    expect(progress.runId).toBe(outcome.runId);
    expect(progress.tables.every((t) => t.state === 'extracted')).toBe(true);
    expect(progress.tables.find((t) => t.table === 'orders.order_items')?.rows).toBe(41);
    expect(outcome.quality.blockingRules).toEqual([]);
    expect(outcome.quality.counts.pass).toBeGreaterThan(0);

    const { rows: runs } = await worker.deps.warehouse.query(
      'select status, trigger, workflow_id from etl.runs order by run_id',
    );
    expect(runs).toEqual([{ status: 'succeeded', trigger: 'temporal', workflow_id: started.workflowId }]);

    await twin.run();
    expect(await starSchemaDigest(worker.deps.warehouse)).toEqual(
      await starSchemaDigest(twin.deps.warehouse),
    );
    for (const c of await mirrorCounts(writer, worker.deps.warehouse))
      expect(c.mirror, c.table).toBe(c.source);
  });

  test('fails the run, without retrying, when an error-severity data-quality rule fails', async ({
    writer,
    worker,
    settledItem,
  }) => {
    const undo = await breakNextLoadOf(worker.deps.warehouse, writer, settledItem);
    const started = await startDailyPipeline(
      worker.temporal.client,
      {},
      { taskQueue: worker.taskQueue, workflowId: uniqueId('etl-daily-dq-test') },
    );
    const failure = await started.handle.result().catch((error: unknown) => error);
    await undo();
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause?.cause).toMatchObject({ type: 'DqGateError', nonRetryable: true });
    expect((cause?.cause as Error | undefined)?.message).toContain(
      'fact_sales__net_amount_is_gross_minus_discount failed',
    );
    expect((await started.handle.query(pipelineProgressQuery)).phase).toBe('failed');

    const history = await started.handle.fetchHistory();
    const gateAttempts = history.events?.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runQualityGate',
    );
    expect(gateAttempts).toHaveLength(1);
    const { rows } = await worker.deps.warehouse.query(
      'select status, error from etl.runs where workflow_id = $1',
      [started.workflowId],
    );
    expect(rows[0].status).toBe('failed');
    expect(rows[0].error).toContain('data-quality gate');
  });
});
