import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { cancelSignal, pipelineProgressQuery } from '../../workflows/definitions.ts';
import { type EtlProcessWorld, etlProcessTest, pastSafetyLag } from '../faults/support/etl-processes.ts';
import { seedBigOrder, waitForOrderItemsCopy } from '../support/big-order.ts';

const LINES = 200_000;
/** Small committed chunks, as a long extract commits them (tests/faults kills one mid-extract). */
const COMMIT_EVERY_ROWS = 20_000;

/**
 * One order of LINES lines in the sources (older than the workers' safety lag, loaded by nothing
 * else), and `extractingRun`: a worker of the test's own, and a daily run it is extracting — the
 * order_items COPY under way.
 */
const test = etlProcessTest.extend<{
  bigOrder: undefined;
  extractingRun: (workflowIdPrefix: string) => ReturnType<EtlProcessWorld['startRun']>;
}>({
  bigOrder: [
    async ({ writer }, use) => {
      await seedBigOrder(writer, LINES);
      await pastSafetyLag();
      await use(undefined);
    },
    { scope: 'file' },
  ],
  extractingRun: async ({ bigOrder: _, processes, startRun, query, dwhName }, use) => {
    await use(async (prefix) => {
      processes.worker({ commitEveryRows: COMMIT_EVERY_ROWS });
      const run = await startRun(prefix);
      expect(await waitForOrderItemsCopy(query, dwhName)).toBe(true);
      return run;
    });
  },
});

describe('the ETL worker process', () => {
  test('stops a run on the cancel signal after its current step, leaving nothing applied', async ({
    extractingRun,
    query,
  }) => {
    const run = await extractingRun('etl-daily-cancel');
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

  test('on a cancellation request from Temporal, finishes the extract under way, records the run failed and ends Canceled', async ({
    extractingRun,
    query,
    dwhName,
  }) => {
    const run = await extractingRun('etl-daily-ui-cancel');
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
      [dwhName],
    );
    expect(state[0]).toEqual({ facts: 0, batches: 0, copies: 0 });
  });
});
