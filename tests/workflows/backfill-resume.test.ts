import { describe, expect } from 'vitest';
import type { BackfillOutcome } from '../../workflows/backfill.ts';
import { startBackfill } from '../../workflows/start-workflows.ts';
import { etlProcessTest } from '../faults/support/etl-processes.ts';
import { kill } from '../support/techmarket-process.ts';
import { waitUntil } from '../support/wait-until.ts';
import { starSchemaDigest, TEST_TABLES } from '../support/warehouse-checks.ts';
import { dayAfter, writeDailyOrders } from './support/daily-orders.ts';
import { uniqueId } from './support/temporal-harness.ts';

const FIRST_DAY = '2026-09-01';
const DAYS = 20;
const ORDERS_PER_DAY = 20;

/** ORDERS_PER_DAY orders a day for DAYS days from FIRST_DAY in the sources, nothing loaded yet. */
const test = etlProcessTest.extend<{ dailyOrders: undefined }>({
  dailyOrders: [
    async ({ writer }, use) => {
      await writeDailyOrders(writer, { firstDay: FIRST_DAY, days: DAYS, ordersPerDay: ORDERS_PER_DAY });
      await use(undefined);
    },
    { scope: 'file' },
  ],
});

describe('a backfill whose worker is killed', () => {
  test('resumes from the parts already read, reading each of them once, without duplicates', async ({
    dailyOrders: _,
    deps,
    twin,
    temporal,
    taskQueue,
    processes,
    query,
  }) => {
    const first = processes.worker();
    const lastDay = dayAfter(FIRST_DAY, DAYS - 1);
    const run = await startBackfill(
      temporal.client,
      { from: FIRST_DAY, to: lastDay, parallelism: 2, chunkDays: 5 },
      { taskQueue, workflowId: uniqueId('etl-backfill-kill') },
    );
    // 2 lanes, 4 chunks of 5 days, each read for every table.
    const parts = 4 * TEST_TABLES.length;
    /** Every part's step: a part that reads the source again restarts its step (started_at). */
    const partSteps = async () =>
      (
        await query(
          `select target, status, started_at::text as started from etl.run_steps
           where step = 'extract' and target like '%@%' order by target`,
        )
      ).rows as { target: string; status: string; started: string }[];

    let before: Awaited<ReturnType<typeof partSteps>> = [];
    await waitUntil(
      'half the parts read',
      async () => {
        before = await partSteps();
        return before.filter((s) => s.status === 'succeeded').length >= parts / 2;
      },
      120,
      20,
    );
    await kill(first);
    const readBefore = before.filter((s) => s.status === 'succeeded');
    expect(readBefore.length).toBeGreaterThanOrEqual(parts / 2);
    expect(readBefore.length).toBeLessThan(parts);
    expect((await run.handle.describe()).status.name).toBe('RUNNING');

    processes.worker();
    const outcome = (await run.handle.result()) as BackfillOutcome;
    expect(outcome.rows).toBe(DAYS * ORDERS_PER_DAY * 4);

    // The source reads: every part read once, and those read before the kill not again.
    const after = await partSteps();
    expect(after).toHaveLength(parts);
    expect(after.every((s) => s.status === 'succeeded')).toBe(true);
    const startedAfter = new Map(after.map((s) => [s.target, s.started]));
    const readAgain = readBefore.filter((s) => startedAfter.get(s.target) !== s.started);
    expect(readAgain).toEqual([]);

    const { rows: runs } = await query(`select status from etl.runs where kind = 'backfill'`);
    expect(runs).toEqual([{ status: 'succeeded' }]);
    const { rows: dupes } = await query(
      `select (select count(*)::int - count(distinct id)::int from stg.orders__order_items) as items,
              (select count(*)::int - count(distinct order_item_id)::int from dwh.fact_sales) as facts,
              (select count(*)::int from dwh.fact_sales) as fact_rows`,
    );
    expect(dupes[0]).toEqual({ items: 0, facts: 0, fact_rows: DAYS * ORDERS_PER_DAY * 2 });

    await twin.run({
      kind: 'backfill',
      windowFrom: `${FIRST_DAY} 00:00:00.000000`,
      windowTo: `${lastDay} 23:59:59.999999`,
    });
    expect(await starSchemaDigest(deps.warehouse)).toEqual(await starSchemaDigest(twin.deps.warehouse));
  }, 300_000);
});
