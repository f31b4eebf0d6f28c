import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { pipelineProgressQuery } from '../../workflows/definitions.ts';
import { startDailyPipeline } from '../../workflows/start-workflows.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import { mirrorCounts, starSchemaDigest, TEST_TABLES } from '../support/warehouse-checks.ts';
import { startTestWorker, type TestWorker, uniqueId } from './support/temporal-harness.ts';

describe('dailyPipeline through Temporal', () => {
  let scratch: Scratch;
  let local: Scratch;
  let writer: SourceWriter;
  let worker: TestWorker;

  beforeAll(async () => {
    scratch = await createScratch();
    local = await createScratch({ sourcesOf: scratch });
    writer = new SourceWriter(scratch.config);
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
    worker = await startTestWorker(scratch.config);
  });
  afterAll(async () => {
    await worker?.stop();
    await writer?.close();
    await local?.drop();
    await scratch?.drop();
  });

  it('builds the same warehouse as a --local run on the same sources', async () => {
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
    expect(progress.tables.find((t) => t.table === 'orders.order_items')?.rows).toBe(40);

    const { rows: runs } = await worker.deps.warehouse.query(
      'select status, trigger, workflow_id from etl.runs order by run_id',
    );
    expect(runs).toEqual([{ status: 'succeeded', trigger: 'temporal', workflow_id: started.workflowId }]);

    const localDeps = createPipelineDeps(local.config);
    try {
      await runPipeline(localDeps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
      expect(await starSchemaDigest(worker.deps.warehouse)).toEqual(
        await starSchemaDigest(localDeps.warehouse),
      );
    } finally {
      await localDeps.close();
    }
    for (const c of await mirrorCounts(writer, worker.deps.warehouse))
      expect(c.mirror, c.table).toBe(c.source);
  });
});
