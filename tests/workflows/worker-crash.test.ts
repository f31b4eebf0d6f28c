import { type ChildProcess, spawn } from 'node:child_process';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createPipelineDeps, type PipelineDeps } from '../../pipeline/index.ts';
import { connectTemporal, type TemporalClient } from '../../workflows/client.ts';
import { cancelSignal, pipelineProgressQuery } from '../../workflows/definitions.ts';
import { startDailyPipeline } from '../../workflows/start-workflows.ts';
import { seedBigOrder, waitForOrderItemsCopy } from '../support/big-order.ts';
import { createScratch, type Scratch, scratchEnv } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { uniqueId } from './support/temporal-harness.ts';

const LINES = 200_000;
const COMMIT_EVERY_ROWS = 20_000;

/** `techmarket worker` as operators run it, on this file's scratch databases and task queue. */
function spawnWorker(scratch: Scratch, taskQueue: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      `${REPO_ROOT}/bin/techmarket.js`,
      'worker',
      '--task-queue',
      taskQueue,
      '--metrics-port',
      '0',
      '--sdk-metrics-port',
      '0',
      // Small committed chunks, as a long extract commits them (tests/faults kills one mid-extract).
      '--commit-every-rows',
      String(COMMIT_EVERY_ROWS),
    ],
    { env: scratchEnv(scratch), stdio: 'ignore' },
  );
}

async function stopWorker(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

describe('the ETL worker process', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  let temporal: TemporalClient;
  const taskQueue = uniqueId('etl-test-crash');
  const workers: ChildProcess[] = [];
  const dwhName = () => new URL(scratch.config.DWH_URL).pathname.slice(1);
  const query = (sql: string, values: unknown[] = []) => deps.warehouse.query(sql, values);
  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    await seedBigOrder(writer, LINES);
    await new Promise((r) => setTimeout(r, 1100)); // past the worker's one-second safety lag
    deps = createPipelineDeps(scratch.config);
    temporal = await connectTemporal(scratch.config);
  });
  afterAll(async () => {
    for (const child of workers) await stopWorker(child, 'SIGKILL');
    await temporal?.close();
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('stops a run on the cancel signal after its current step, leaving nothing applied', async () => {
    workers.push(spawnWorker(scratch, taskQueue));
    const run = await startDailyPipeline(
      temporal.client,
      {},
      { taskQueue, workflowId: uniqueId('etl-daily-cancel') },
    );
    expect(await waitForOrderItemsCopy(query, dwhName())).toBe(true);
    await run.handle.signal(cancelSignal, { reason: 'test asked' });

    const failure = await run.handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(
      /^cancelled before transform: test asked/,
    );
    const progress = await run.handle.query(pipelineProgressQuery);
    expect(progress.phase).toBe('cancelled');
    expect(progress.tables.filter((t) => t.state === 'extracting')).toEqual([]);

    const { rows: runs } = await query('select status, error from etl.runs');
    expect(runs).toEqual([{ status: 'failed', error: 'cancelled before transform: test asked' }]);
    const { rows: state } = await query(
      `select (select count(*)::int from dwh.fact_sales) as facts, (select count(*)::int from etl.watermarks) as watermarks,
              (select count(*)::int from pg_tables where schemaname = 'stg' and tablename ~ '__r[0-9]+$') as batches`,
    );
    expect(state[0]).toEqual({ facts: 0, watermarks: 0, batches: 0 });
  });

  it('on a cancellation request from Temporal, finishes the extract under way, records the run failed and ends Canceled', async () => {
    const run = await startDailyPipeline(
      temporal.client,
      {},
      { taskQueue, workflowId: uniqueId('etl-daily-ui-cancel') },
    );
    expect(await waitForOrderItemsCopy(query, dwhName())).toBe(true);
    await run.handle.cancel();

    const failure = await run.handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await run.handle.describe()).status.name).toBe('CANCELLED');
    const { rows: runs } = await query(
      'select run_id, status, error from etl.runs order by run_id desc limit 1',
    );
    expect(runs[0]).toMatchObject({ status: 'failed', error: 'cancelled from Temporal' });
    // The workflow waited for the extract under way to end before it dropped the run's batches.
    const { rows: steps } = await query(
      `select status, rows_loaded::int as rows from etl.run_steps where run_id = $1 and target = 'orders.order_items'`,
      [runs[0].run_id],
    );
    expect(steps).toEqual([{ status: 'succeeded', rows: LINES }]);
    const { rows: state } = await query(
      `select (select count(*)::int from dwh.fact_sales) as facts,
              (select count(*)::int from pg_tables where schemaname = 'stg' and tablename ~ '__r[0-9]+$') as batches,
              (select count(*)::int from pg_stat_activity where datname = $1 and query ilike 'copy stg.%') as copies`,
      [dwhName()],
    );
    expect(state[0]).toEqual({ facts: 0, batches: 0, copies: 0 });
  });
});
