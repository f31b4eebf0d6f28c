import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import type { BackfillOutcome } from '../../workflows/backfill.ts';
import { connectTemporal, type TemporalClient } from '../../workflows/client.ts';
import { startBackfill } from '../../workflows/start-workflows.ts';
import { createScratch, type Scratch, scratchEnv } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { starSchemaDigest, TEST_TABLES } from '../support/warehouse-checks.ts';
import { dayAfter, writeDailyOrders } from './support/daily-orders.ts';
import { uniqueId } from './support/temporal-harness.ts';

const FIRST_DAY = '2026-09-01';
const DAYS = 20;
const ORDERS_PER_DAY = 20;

/** `techmarket worker` as operators run it, on this file's scratch databases and task queue. */
function spawnWorker(scratch: Scratch, taskQueue: string): ChildProcess {
  return spawn(
    process.execPath,
    [`${REPO_ROOT}/bin/techmarket.js`, 'worker', '--task-queue', taskQueue, '--metrics-port', '0'],
    { env: scratchEnv(scratch), stdio: 'ignore' },
  );
}

async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a backfill whose worker is killed', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  let temporal: TemporalClient;
  const taskQueue = uniqueId('etl-test-backfill-kill');
  const workers: ChildProcess[] = [];
  const query = (sql: string, values: unknown[] = []) => deps.warehouse.query(sql, values);

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    await writeDailyOrders(writer, { firstDay: FIRST_DAY, days: DAYS, ordersPerDay: ORDERS_PER_DAY });
    deps = createPipelineDeps(scratch.config);
    temporal = await connectTemporal(scratch.config);
  });
  afterAll(async () => {
    for (const child of workers) await killWorker(child);
    await temporal?.close();
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('resumes from the parts already read, reading each of them once, without duplicates', async () => {
    workers.push(spawnWorker(scratch, taskQueue));
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

    let before = await partSteps();
    for (let i = 0; i < 6_000 && before.filter((s) => s.status === 'succeeded').length < parts / 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      before = await partSteps();
    }
    await killWorker(workers.at(-1)!);
    const readBefore = before.filter((s) => s.status === 'succeeded');
    expect(readBefore.length).toBeGreaterThanOrEqual(parts / 2);
    expect(readBefore.length).toBeLessThan(parts);
    expect((await run.handle.describe()).status.name).toBe('RUNNING');

    workers.push(spawnWorker(scratch, taskQueue));
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

    const clean = await createScratch({ sourcesOf: scratch });
    const cleanDeps = createPipelineDeps(clean.config);
    try {
      await runPipeline(cleanDeps, {
        tables: TEST_TABLES,
        kind: 'backfill',
        trigger: 'test',
        windowFrom: `${FIRST_DAY} 00:00:00.000000`,
        windowTo: `${lastDay} 23:59:59.999999`,
      });
      expect(await starSchemaDigest(deps.warehouse)).toEqual(await starSchemaDigest(cleanDeps.warehouse));
    } finally {
      await cleanDeps.close();
      await clean.drop();
    }
  }, 300_000);
});
