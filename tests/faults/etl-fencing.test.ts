import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { connectTemporal, type TemporalClient } from '../../workflows/client.ts';
import { startDailyPipeline } from '../../workflows/start-workflows.ts';
import { addBigOrder, type SmallShop, seedBigOrder } from '../support/big-order.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { uniqueId } from '../workflows/support/temporal-harness.ts';
import {
  type EtlProcess,
  expectRunsSettled,
  kill,
  startWorker,
  waitUntilPaused,
} from './support/etl-processes.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import { scenario } from './support/summary.ts';

/** Waits until a process has written `text` to stderr. */
async function waitForStderr(proc: EtlProcess, text: string, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.stderr().includes(text)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Scenario 4 of the fault suite: fencing (docs/decisions/0020). A worker's load attempt is frozen past
 * the transform's heartbeat timeout, Temporal gives the load to a new attempt on another worker, which
 * completes the run; then the frozen attempt resumes and its commit is refused.
 */
describe('scenario 4: a stale load attempt cannot commit after a newer one began', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  let temporal: TemporalClient;
  let shop: SmallShop;
  const taskQueue = uniqueId('etl-faults-fence');
  const processes: EtlProcess[] = [];
  const dwhName = () => new URL(scratch.config.DWH_URL).pathname.slice(1);
  const query = (sql: string, values: unknown[] = []) => deps.warehouse.query(sql, values);

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    shop = await seedBigOrder(writer, 10);
    deps = createPipelineDeps(scratch.config);
    temporal = await connectTemporal(scratch.config);
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
  });
  // Each case's workers poll the file's task queue: none may pick up the next case's work.
  afterEach(async () => {
    for (const proc of processes.splice(0)) await kill(proc);
  });
  afterAll(async () => {
    await temporal?.close();
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('the frozen attempt resumes after the new one committed, and is refused: superseded by attempt 2', async () => {
    await scenario(
      {
        scenario: '4. stale load attempt (fencing)',
        fault: 'worker SIGSTOPped before its load, past the 1 min heartbeat timeout',
      },
      async () => {
        const orderId = await addBigOrder(writer, shop, 2_000);
        await new Promise((r) => setTimeout(r, 1_100)); // past the worker's one-second safety lag
        // One activity at a time: while frozen with the load it polls for no other (it would swallow it).
        const stale = startWorker(scratch, taskQueue, { pauseAt: 'before-load', maxActivities: 1 });
        processes.push(stale);
        const run = await startDailyPipeline(
          temporal.client,
          {},
          { taskQueue, workflowId: uniqueId('etl-fence') },
        );
        await waitUntilPaused(stale);
        const { rows: frozen } = await query(
          `select run_id::int, load_attempt from etl.runs where status = 'running'`,
        );
        expect(frozen).toEqual([{ run_id: expect.any(Number), load_attempt: 1 }]);

        processes.push(startWorker(scratch, taskQueue));
        const outcome = await run.handle.result();
        expect(outcome.runId).toBe(frozen[0]!.run_id);
        const { rows: loaded } = await query(
          'select load_attempt, status, load_result is not null as committed from etl.runs where run_id = $1',
          [outcome.runId],
        );
        expect(loaded[0]).toEqual({ load_attempt: 2, status: 'succeeded', committed: true });
        const state = async () =>
          (
            await query(
              `select (select jsonb_agg(w order by source_table) from etl.watermarks w) as marks,
                      (select max(loaded_at)::text from dwh.fact_sales) as facts_loaded_at,
                      (select max(_loaded_at)::text from stg.orders__order_items) as mirror_loaded_at`,
            )
          ).rows[0];
        const afterNewAttempt = await state();

        stale.child.kill('SIGCONT');
        expect(
          await waitForStderr(stale, `load attempt 1 of run ${outcome.runId} was superseded by attempt 2`),
          stale.stderr(),
        ).toBe(true);
        // The stale attempt wrote nothing: watermarks, facts and mirrors are as the new attempt left them.
        expect(await state()).toEqual(afterNewAttempt);
        const { rows: facts } = await query(
          'select count(*)::int as n, min(etl_run_id)::int as run from dwh.fact_sales where order_id = $1',
          [orderId],
        );
        expect(facts[0]).toEqual({ n: 2_000, run: outcome.runId });
        await expectRunsSettled(query, dwhName());
        return {
          checked: 'attempt 1 refused (superseded by attempt 2), wrote nothing; w = s',
          rowsCompared: await expectWarehouseEqualsSources(writer, deps.warehouse),
        };
      },
    );
  }, 300_000);

  it('a stale attempt frozen inside its load transaction is ended, so the retry does not wait on its lock', async () => {
    await scenario(
      {
        scenario: '4. stale load attempt holding the load lock',
        fault: 'worker SIGSTOPped inside its load transaction, past the heartbeat timeout',
      },
      async () => {
        const orderId = await addBigOrder(writer, shop, 2_000);
        await new Promise((r) => setTimeout(r, 1_100));
        const stale = startWorker(scratch, taskQueue, { pauseAt: 'load-locked', maxActivities: 1 });
        processes.push(stale);
        const run = await startDailyPipeline(
          temporal.client,
          {},
          { taskQueue, workflowId: uniqueId('etl-fence-locked') },
        );
        await waitUntilPaused(stale);
        const { rows: held } = await query(
          `select a.state from etl.runs r join pg_stat_activity a on a.pid = r.load_backend_pid
           where r.status = 'running'`,
        );
        expect(held).toEqual([{ state: 'idle in transaction' }]);

        processes.push(startWorker(scratch, taskQueue));
        const outcome = await run.handle.result();
        const { rows: loaded } = await query('select load_attempt, status from etl.runs where run_id = $1', [
          outcome.runId,
        ]);
        // Had attempt 2 not ended attempt 1's session, it would wait on the load lock for ever.
        expect(loaded[0]).toEqual({ load_attempt: 2, status: 'succeeded' });
        // Resumed, the stale worker finds its session ended; it neither crashes nor writes.
        stale.child.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 3_000));
        expect(stale.child.exitCode, stale.stderr()).toBeNull();
        const { rows: facts } = await query(
          'select count(*)::int as n, min(etl_run_id)::int as run from dwh.fact_sales where order_id = $1',
          [orderId],
        );
        expect(facts[0]).toEqual({ n: 2_000, run: outcome.runId });
        await expectRunsSettled(query, dwhName());
        return {
          checked: 'stale session ended, retry not blocked; w = s',
          rowsCompared: await expectWarehouseEqualsSources(writer, deps.warehouse),
        };
      },
    );
  }, 300_000);
});
