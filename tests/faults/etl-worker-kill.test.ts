import { describe, expect } from 'vitest';
import { addBigOrder, waitForOrderItemsCopy } from '../support/big-order.ts';
import { kill } from '../support/techmarket-process.ts';
import { waitUntil } from '../support/wait-until.ts';
import { starSchemaDigest } from '../support/warehouse-checks.ts';
import {
  type EtlProcessWorld,
  etlProcessTest,
  pastSafetyLag,
  waitUntilPaused,
} from './support/etl-processes.ts';
import { scenario } from './support/summary.ts';

/** Lines of each run's big order: enough to keep an extract's COPY busy for a moment. */
const LINES = 60_000;
const COMMIT_EVERY_ROWS = 10_000;

/**
 * A killed worker's load is given to a new attempt once its heartbeat timeout passes: all these
 * scenarios need is for it to pass, so 15 s rather than the workflow's minute.
 */
const test = etlProcessTest;
test.scoped({ transformHeartbeatSeconds: 15 });

/** Rows committed in the order_items batch of the run under way. */
async function committedBatchRows(query: EtlProcessWorld['query']): Promise<number> {
  const { rows } = await query(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
     where schemaname = 'stg' and tablename ~ '^orders__order_items__r[0-9]+$'`,
  );
  let most = 0;
  for (const { name } of rows) {
    const { rows: count } = await query(`select count(*)::int as n from ${name}`);
    most = Math.max(most, count[0].n);
  }
  return most;
}

/** The runs that wrote the order's fact rows. */
const runIdsOfFacts = async (query: EtlProcessWorld['query'], orderId: number) =>
  (
    await query('select distinct etl_run_id::int as run from dwh.fact_sales where order_id = $1', [orderId])
  ).rows.map((r) => r.run);

/**
 * Scenario 1 of the fault suite: the process that runs a pipeline run is killed (SIGKILL) at the
 * moments that matter — during the extract, during the COPY, after the load committed but before the
 * activity reported, and the CLI during a `--local` run. Each time the next worker or rerun finishes
 * the run effectively once. The scenarios run one after another on one warehouse, each over new rows.
 */
describe('scenario 1: the process running a pipeline run is killed', () => {
  test('worker killed during the COPY, before its first chunk committed: a new worker extracts again', async ({
    shop,
    writer,
    processes,
    startRun,
    query,
    dwhName,
    expectSettled,
  }) => {
    await scenario(
      { scenario: '1. worker killed during COPY', fault: 'SIGKILL while the first COPY chunk is in flight' },
      async () => {
        const orderId = await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        const first = processes.worker();
        const run = await startRun('etl-kill-copy');
        expect(await waitForOrderItemsCopy(query, dwhName)).toBe(true);
        await kill(first);
        expect(await committedBatchRows(query), 'rows committed before the kill').toBe(0);
        processes.worker();
        const outcome = await run.handle.result();
        const items = outcome.extracts.find((e) => e.table === 'orders.order_items')!;
        // The extract re-reads the lookback window too: the earlier scenarios' recent rows.
        expect(items.rows).toBeGreaterThanOrEqual(LINES);
        expect(await runIdsOfFacts(query, orderId)).toEqual([outcome.runId]);
        return expectSettled('w = s; no duplicate facts, facts of one run, no lock or batch left');
      },
    );
  }, 180_000);

  test('worker killed during the extract after committed chunks: the retry resumes after them', async ({
    shop,
    writer,
    processes,
    startRun,
    query,
    dwhName,
    expectSettled,
  }) => {
    await scenario(
      {
        scenario: '1. worker killed during extract',
        fault: `SIGKILL after ≥${COMMIT_EVERY_ROWS.toLocaleString('en')} rows committed`,
      },
      async () => {
        const orderId = await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        const first = processes.worker({ commitEveryRows: COMMIT_EVERY_ROWS });
        const run = await startRun('etl-kill-extract');
        expect(await waitForOrderItemsCopy(query, dwhName)).toBe(true);
        await waitUntil(
          `${COMMIT_EVERY_ROWS} committed batch rows`,
          async () => (await committedBatchRows(query)) >= COMMIT_EVERY_ROWS,
          60,
          20,
        );
        await kill(first);
        expect((await run.handle.describe()).status.name).toBe('RUNNING');
        processes.worker({ commitEveryRows: COMMIT_EVERY_ROWS });
        const outcome = await run.handle.result();
        const items = outcome.extracts.find((e) => e.table === 'orders.order_items')!;
        // The extract re-reads the lookback window too: the earlier scenarios' recent rows.
        expect(items.rows).toBeGreaterThanOrEqual(LINES);
        expect(items.resumed).toBe(true);
        expect(await runIdsOfFacts(query, orderId)).toEqual([outcome.runId]);
        return expectSettled('resumed; w = s; no duplicate facts or mirror rows, no lock left');
      },
    );
  }, 180_000);

  test('worker killed after the load committed, before the activity reported: the retry loads nothing again', async ({
    shop,
    writer,
    processes,
    startRun,
    query,
    expectSettled,
  }) => {
    await scenario(
      {
        scenario: '1. worker killed after load commit',
        fault: 'SIGKILL between the load commit and the activity report',
      },
      async () => {
        const orderId = await addBigOrder(writer, shop, 1_000);
        await pastSafetyLag();
        const first = processes.worker({ pauseAt: 'after-load-commit' });
        const run = await startRun('etl-kill-commit');
        await waitUntilPaused(first);
        const { rows: committed } = await query(
          'select run_id::int, load_attempt, status from etl.runs where load_result is not null order by run_id desc limit 1',
        );
        expect(committed[0]).toMatchObject({ load_attempt: 1, status: 'running' });
        const loadedAt = await query(
          'select max(loaded_at)::text as at from dwh.fact_sales where order_id = $1',
          [orderId],
        );
        await kill(first);
        processes.worker();
        const outcome = await run.handle.result();
        expect(outcome.runId).toBe(committed[0]!.run_id);
        const { rows: after } = await query('select load_attempt, status from etl.runs where run_id = $1', [
          outcome.runId,
        ]);
        // The retry took attempt 2, found attempt 1's load committed and returned its summary.
        expect(after[0]).toEqual({ load_attempt: 2, status: 'succeeded' });
        expect(outcome.transform.targets.find((t) => t.target === 'dwh.fact_sales')?.inserted).toBe(1_000);
        const reloaded = await query(
          'select max(loaded_at)::text as at from dwh.fact_sales where order_id = $1',
          [orderId],
        );
        expect(reloaded.rows[0].at).toBe(loadedAt.rows[0].at);
        expect(await runIdsOfFacts(query, orderId)).toEqual([outcome.runId]);
        return expectSettled('loaded once (attempt 2 reused attempt 1); w = s; no lock left');
      },
    );
  }, 180_000);

  test('CLI killed during a --local run: nothing half-done, the rerun equals an uninterrupted load', async ({
    shop,
    writer,
    deps,
    twin,
    processes,
    query,
    dwhName,
    expectSettled,
  }) => {
    await scenario(
      { scenario: '1. CLI killed during --local run', fault: 'SIGKILL of `etl run --local` during COPY' },
      async () => {
        const orderId = await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        const { rows: before } = await query(
          'select (select count(*)::int from dwh.fact_sales) as facts, (select jsonb_agg(w order by source_table) from etl.watermarks w) as marks',
        );
        const cli = processes.cli(['etl', 'run', '--local', '--json']);
        expect(await waitForOrderItemsCopy(query, dwhName)).toBe(true);
        await kill(cli);
        // Nothing reached the star schema and no watermark moved.
        const { rows: killed } = await query(
          'select (select count(*)::int from dwh.fact_sales) as facts, (select jsonb_agg(w order by source_table) from etl.watermarks w) as marks',
        );
        expect(killed[0]).toEqual(before[0]);

        const rerun = processes.cli(['etl', 'run', '--local', '--json']);
        expect(await rerun.exited, rerun.stderr()).toBe(0);
        const { rows: runs } = await query('select status, error from etl.runs order by run_id desc limit 2');
        expect(runs[1]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^abandoned/) });
        expect(runs[0]).toMatchObject({ status: 'succeeded' });
        expect((await runIdsOfFacts(query, orderId)).length).toBe(1);
        const settled = await expectSettled('no watermark moved; w = s; star schema = an uninterrupted load');

        // Every scenario of this file together against one uninterrupted load of the same sources.
        await twin.run();
        expect(await starSchemaDigest(deps.warehouse)).toEqual(await starSchemaDigest(twin.deps.warehouse));
        return settled;
      },
    );
  }, 180_000);
});
