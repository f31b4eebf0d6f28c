/**
 * Records the histories the replay test replays: runs each workflow scenario against scratch databases
 * on an in-process worker and saves its event history under tests/workflows/histories/. Run it again
 * (npm run record:histories) when a workflow changes on purpose, and commit the new files together with
 * the change; an unintended change to workflow code then fails tests/workflows/replay.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { cancelSignal } from '../../workflows/definitions.ts';
import { startBackfill, startDailyPipeline, startTablePipeline } from '../../workflows/start-workflows.ts';
import { createScratch } from '../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import { HISTORIES_DIR, historyToJson } from './support/histories.ts';
import { startTestWorker, uniqueId } from './support/temporal-harness.ts';

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => {}); // failed and cancelled runs are scenarios too
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJson(handle.workflowId, history));
  process.stderr.write(`recorded ${name} (${history.events?.length ?? 0} events)\n`);
}

const scratch = await createScratch();
const writer = new SourceWriter(scratch.config);
const worker = await startTestWorker(scratch.config);
try {
  const shop = await seedSmallShop(writer);
  for (let day = 1; day <= 3; day++) {
    await placeOrder(writer, {
      customerId: shop.customers[day % 2]!,
      employeeId: shop.employees[day % 2]!,
      createdAt: `2026-10-0${day} 10:00:00`,
      lines: [{ productId: shop.products[0]!, quantity: day, unitPrice: '100.00' }],
      paidWith: 'card',
    });
  }
  const client = worker.temporal.client;
  const options = (prefix: string) => ({ taskQueue: worker.taskQueue, workflowId: uniqueId(prefix) });

  await save('daily-pipeline', (await startDailyPipeline(client, {}, options('etl-daily'))).handle);
  await save(
    'table-pipeline',
    (await startTablePipeline(client, { table: 'orders.orders' }, options('etl-table'))).handle,
  );
  const backfill = await startBackfill(
    client,
    { from: '2026-10-01', to: '2026-10-03', parallelism: 2 },
    options('etl-backfill'),
  );
  // backfill.json and backfill-chunk.json are kept as recorded before the one-load patch (a chunk
  // workflow per day), and the *-before-fewer-round-trips.json files as recorded before the
  // fewer-round-trips patch (regular run activities, an extract per table): they prove the old branches still replay.
  await save('backfill-one-load', backfill.handle);

  const cancelled = await startDailyPipeline(client, {}, options('etl-daily-cancelled'));
  await cancelled.handle.signal(cancelSignal, { reason: 'recording a cancelled run' });
  await save('daily-pipeline-cancelled', cancelled.handle);

  // Refused by the first activity: a table the catalogue does not know.
  const failed = await client.workflow.start('dailyPipeline', {
    ...options('etl-daily-failed'),
    args: [{ tables: ['orders.no_such_table'] }],
  });
  await save('daily-pipeline-failed', failed);
} finally {
  await worker.stop();
  await writer.close();
  await scratch.drop();
}
