import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { type BackfillProgress, backfillProgressQuery, cancelSignal } from '../../workflows/definitions.ts';
import { startBackfill } from '../../workflows/start-workflows.ts';
import {
  factDailyTotals,
  sourceDailyTotals,
  starSchemaDigest,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';
import { dayAfter, writeDailyOrders } from './support/daily-orders.ts';
import { uniqueId } from './support/temporal-harness.ts';
import { workflowTest } from './support/workflow-fixtures.ts';

const FIRST_DAY = '2026-10-01';
const DAYS = 30;
const ORDERS_PER_DAY = 3;

/** DAYS days of orders in the sources; `twin` is the warehouse backfilled with the --local runner. */
const test = workflowTest.extend<{ dailyOrders: undefined }>({
  dailyOrders: [
    async ({ writer }, use) => {
      await writeDailyOrders(writer, { firstDay: FIRST_DAY, days: DAYS, ordersPerDay: ORDERS_PER_DAY });
      await use(undefined);
    },
    { scope: 'file' },
  ],
});

describe('backfill through Temporal', () => {
  test('re-reads 30 days as one run: chunks side by side, one load, the warehouse --local leaves', async ({
    writer,
    deps,
    run,
    worker,
    twin,
    dailyOrders: _,
  }) => {
    await run();
    await twin.run();
    // Changed in the sources with updated_at kept inside the window: only a backfill sees it.
    await writer.exec(
      'orders',
      'update order_items set quantity = quantity + 100, updated_at = updated_at where quantity % 7 = 0',
    );
    const before = await starSchemaDigest(deps.warehouse);

    const lastDay = dayAfter(FIRST_DAY, DAYS - 1);
    const started = await startBackfill(
      worker.temporal.client,
      // Chunks named: the test's few rows would make one part by themselves (autoChunkDays).
      { from: FIRST_DAY, to: lastDay, parallelism: 4, chunkDays: 4 },
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
    await twin.run({
      kind: 'backfill',
      windowFrom: `${FIRST_DAY} 00:00:00.000000`,
      windowTo: `${lastDay} 23:59:59.999999`,
    });

    // Chunks of 4 whole days: 30 days → 7 chunks of 4 days and one of 2, 4 lanes reading them.
    expect(outcome.chunks).toHaveLength(8);
    expect(outcome.chunks.every((c) => c.state === 'succeeded' && c.runId === outcome.runId)).toBe(true);
    expect(outcome.chunks[0]).toMatchObject({ from: FIRST_DAY, to: dayAfter(FIRST_DAY, 3) });
    expect(outcome.chunks[7]).toMatchObject({ from: dayAfter(FIRST_DAY, 28), to: lastDay });
    // Each chunk read exactly its days' rows: their orders, the orders' lines and payments.
    const perDay = ORDERS_PER_DAY * 4;
    expect(outcome.chunks.map((c) => c.rows)).toEqual([...Array(7).fill(4 * perDay), 2 * perDay]);
    expect(outcome.rows).toBe(DAYS * ORDERS_PER_DAY * 4);
    // The progress query went through extract, load and quality, and never counted down.
    const phases = [...new Set(seen.map((p) => p.phase))].filter((p) => p !== 'planning');
    expect(phases.every((p) => ['extract', 'load', 'quality', 'succeeded'].includes(p))).toBe(true);
    const rows = seen.map((p) => p.rows ?? 0);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));

    // One backfill run over the whole window, loaded once.
    const { rows: runs } = await deps.warehouse.query(
      `select run_id::int, status, to_char(window_from at time zone 'UTC', 'YYYY-MM-DD') as from,
              to_char(window_to at time zone 'UTC', 'YYYY-MM-DD') as to
       from etl.runs where kind = 'backfill'`,
    );
    expect(runs).toEqual([{ run_id: outcome.runId, status: 'succeeded', from: FIRST_DAY, to: lastDay }]);
    // A window that ended before the run began cannot change under its parts: merged without dedupe.
    const { rows: wholeTables } = await deps.warehouse.query(
      `select target, (detail->>'resumed')::boolean as resumed from etl.run_steps
       where run_id = $1 and step = 'extract' and target not like '%@%' order by target`,
      [outcome.runId],
    );
    expect(wholeTables).toHaveLength(TEST_TABLES.length);
    expect(wholeTables.filter((t) => t.resumed)).toEqual([]);
    // Its parts: one per chunk and table, and some of them were read at the same time.
    const { rows: parts } = await deps.warehouse.query(
      `select started_at, finished_at from etl.run_steps
       where run_id = $1 and step = 'extract' and target like '%@%' order by started_at`,
      [outcome.runId],
    );
    expect(parts).toHaveLength(8 * TEST_TABLES.length);
    const overlapping = parts.filter((p, i) => i > 0 && p.started_at < parts[i - 1].finished_at);
    expect(overlapping.length).toBeGreaterThan(0);

    const after = await starSchemaDigest(deps.warehouse);
    expect(after).not.toEqual(before);
    expect(after).toEqual(await starSchemaDigest(twin.deps.warehouse));
    expect(await factDailyTotals(deps.warehouse)).toEqual(await sourceDailyTotals(writer));
  }, 300_000);

  test('stops on the cancel signal: the run recorded failed, its batches dropped, nothing applied', async ({
    deps,
    worker,
    dailyOrders: _,
  }) => {
    const before = await starSchemaDigest(deps.warehouse);
    const lastDay = dayAfter(FIRST_DAY, DAYS - 1);
    const started = await startBackfill(
      worker.temporal.client,
      { from: FIRST_DAY, to: lastDay },
      { taskQueue: worker.taskQueue, workflowId: uniqueId('etl-backfill-cancel') },
    );
    await started.handle.signal(cancelSignal, { reason: 'test asked' });
    const failure = await started.handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(
      /^backfill cancelled .*: test asked$/,
    );
    const progress = await started.handle.query(backfillProgressQuery);
    expect(progress.phase).toBe('cancelled');
    expect(progress.chunks.filter((c) => c.state === 'extracting')).toEqual([]);

    const { rows: runs } = await deps.warehouse.query(
      `select status, error from etl.runs where run_id = $1`,
      [progress.runId],
    );
    expect(runs).toEqual([
      { status: 'failed', error: expect.stringMatching(/^cancelled before .*: test asked$/) },
    ]);
    const { rows: batches } = await deps.warehouse.query(
      `select count(*)::int as n from pg_tables where schemaname = 'stg' and tablename ~ $1`,
      [`__r${progress.runId}$`],
    );
    expect(batches[0].n).toBe(0);
    expect(await starSchemaDigest(deps.warehouse)).toEqual(before);
  }, 300_000);
});
