import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { type BackfillProgress, backfillProgressQuery } from '../../workflows/definitions.ts';
import { startBackfill } from '../../workflows/start-workflows.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import {
  factDailyTotals,
  sourceDailyTotals,
  starSchemaDigest,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';
import { startTestWorker, type TestWorker, uniqueId } from './support/temporal-harness.ts';

const FIRST_DAY = '2026-10-01';
const DAYS = 30;
const ORDERS_PER_DAY = 3;

const dayAfter = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Orders, lines and payments written on each of the days, with updated_at pinned to that day. */
async function writeDailyOrders(writer: SourceWriter): Promise<void> {
  const shop = await seedSmallShop(writer);
  for (let d = 0; d < DAYS; d++) {
    for (let i = 0; i < ORDERS_PER_DAY; i++) {
      const at = `${dayAfter(FIRST_DAY, d)} ${String(8 + i * 5).padStart(2, '0')}:15:00.000000`;
      const stamps = { created_at: at, updated_at: at };
      const orderId = await writer.insert('orders', 'orders', {
        customer_id: shop.customers[i % 2],
        employee_id: shop.employees[i % 2],
        status: 'paid',
        subtotal_amount: '400.00',
        discount_amount: '0.00',
        total_amount: '400.00',
        ...stamps,
      });
      for (const productId of shop.products) {
        await writer.insert('orders', 'order_items', {
          order_id: orderId,
          product_id: productId,
          quantity: 1 + d,
          unit_price: '200.00',
          discount_amount: '0.00',
          ...stamps,
        });
      }
      await writer.insert('payments', 'payments', {
        order_id: orderId,
        amount: '400.00',
        currency: 'UAH',
        method: i === 0 ? 'card' : 'apple_pay',
        status: 'succeeded',
        psp_reference: `psp-${orderId}`,
        idempotency_key: `idem-${orderId}`,
        ...stamps,
      });
    }
  }
}

describe('backfill through Temporal', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let worker: TestWorker;
  let deps: PipelineDeps;

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    await writeDailyOrders(writer);
    deps = createPipelineDeps(scratch.config);
    worker = await startTestWorker(scratch.config);
  });
  afterAll(async () => {
    await worker?.stop();
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('re-reads 30 days as 30 chunk runs, 4 at once, reporting chunks done while it runs', async () => {
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    const before = await starSchemaDigest(deps.warehouse);

    const lastDay = dayAfter(FIRST_DAY, DAYS - 1);
    const started = await startBackfill(
      worker.temporal.client,
      { from: FIRST_DAY, to: lastDay, parallelism: 4 },
      { taskQueue: worker.taskQueue, workflowId: uniqueId(`etl-backfill-${FIRST_DAY}-${lastDay}`) },
    );
    const seen: BackfillProgress[] = [];
    let finished = false;
    const result = started.handle.result().finally(() => {
      finished = true;
    });
    while (!finished) {
      seen.push(await started.handle.query(backfillProgressQuery));
      await new Promise((r) => setTimeout(r, 100));
    }
    const outcome = await result;

    expect(outcome.chunks).toHaveLength(DAYS);
    expect(outcome.chunks.every((c) => c.state === 'succeeded')).toBe(true);
    expect(outcome.chunks[0]).toMatchObject({ from: FIRST_DAY, to: FIRST_DAY });
    // Each day's chunk read exactly that day's rows: its orders, their lines and payments.
    expect(outcome.chunks.map((c) => c.rows)).toEqual(Array(DAYS).fill(ORDERS_PER_DAY * 4));

    const midway = seen.filter((p) => p.chunksDone > 0 && p.chunksDone < DAYS);
    expect(midway.length).toBeGreaterThan(0);
    const running = seen.map((p) => p.chunks.filter((c) => c.state === 'running').length);
    expect(Math.max(...running)).toBe(4);
    const done = seen.map((p) => p.chunksDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));

    const { rows: runs } = await deps.warehouse.query(
      `select status, to_char(window_from at time zone 'UTC', 'YYYY-MM-DD') as day from etl.runs where kind = 'backfill' order by window_from`,
    );
    expect(runs).toEqual(outcome.chunks.map((c) => ({ status: 'succeeded', day: c.from })));
    // Merges are idempotent: re-reading the month leaves the warehouse as it was.
    expect(await starSchemaDigest(deps.warehouse)).toEqual(before);
    expect(await factDailyTotals(deps.warehouse)).toEqual(await sourceDailyTotals(writer));
  }, 300_000);
});
