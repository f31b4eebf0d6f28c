import { describe, expect } from 'vitest';
import type { FaultPausePoint } from '../../core/fault-pause.ts';
import { addBigOrder } from '../support/big-order.ts';
import {
  type EtlProcessWorld,
  etlProcessTest,
  pastSafetyLag,
  waitForStderr,
  waitUntilPaused,
} from './support/etl-processes.ts';
import { scenario } from './support/summary.ts';

/**
 * The scenarios need the load's heartbeat timeout to pass while a worker is frozen, nothing more:
 * 15 s instead of the workflow's minute (the load beats every 5 s, so a healthy attempt never misses
 * it), which is what makes Temporal give the load to a new attempt.
 */
const HEARTBEAT_SECONDS = 15;
const test = etlProcessTest;
test.scoped({ transformHeartbeatSeconds: HEARTBEAT_SECONDS });

/**
 * A new order of 2,000 lines, then a daily run whose only worker (one activity at a time: frozen with
 * the load, it polls for no other, which it would swallow) stops itself at `pauseAt`. Returns once it
 * has, with the order and the run.
 */
async function freezeALoadAttempt(
  world: Pick<EtlProcessWorld, 'shop' | 'writer' | 'processes' | 'startRun'>,
  pauseAt: FaultPausePoint,
  workflowIdPrefix: string,
) {
  const orderId = await addBigOrder(world.writer, world.shop, 2_000);
  await pastSafetyLag();
  const stale = world.processes.worker({ pauseAt, maxActivities: 1 });
  const run = await world.startRun(workflowIdPrefix);
  await waitUntilPaused(stale);
  return { orderId, stale, run };
}

/**
 * Scenario 4 of the fault suite: fencing (docs/decisions/0020). A worker's load attempt is frozen past
 * the transform's heartbeat timeout, Temporal gives the load to a new attempt on another worker, which
 * completes the run; then the frozen attempt resumes and its commit is refused.
 */
describe('scenario 4: a stale load attempt cannot commit after a newer one began', () => {
  /** The order's fact rows: how many, and the run that wrote them. */
  const factsOf = async (query: EtlProcessWorld['query'], orderId: number) =>
    (
      await query(
        'select count(*)::int as n, min(etl_run_id)::int as run from dwh.fact_sales where order_id = $1',
        [orderId],
      )
    ).rows[0];

  test('the frozen attempt resumes after the new one committed, and is refused: superseded by attempt 2', async ({
    shop,
    writer,
    processes,
    startRun,
    query,
    expectSettled,
  }) => {
    await scenario(
      {
        scenario: '4. stale load attempt (fencing)',
        fault: `worker SIGSTOPped before its load, past the ${HEARTBEAT_SECONDS} s heartbeat timeout`,
      },
      async () => {
        const { orderId, stale, run } = await freezeALoadAttempt(
          { shop, writer, processes, startRun },
          'before-load',
          'etl-fence',
        );
        const { rows: frozen } = await query(
          `select run_id::int, load_attempt from etl.runs where status = 'running'`,
        );
        expect(frozen).toEqual([{ run_id: expect.any(Number), load_attempt: 1 }]);

        processes.worker();
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
        await waitForStderr(stale, `load attempt 1 of run ${outcome.runId} was superseded by attempt 2`);
        // The stale attempt wrote nothing: watermarks, facts and mirrors are as the new attempt left them.
        expect(await state()).toEqual(afterNewAttempt);
        expect(await factsOf(query, orderId)).toEqual({ n: 2_000, run: outcome.runId });
        return expectSettled('attempt 1 refused (superseded by attempt 2), wrote nothing; w = s');
      },
    );
  }, 300_000);

  test('a stale attempt frozen inside its load transaction is ended, so the retry does not wait on its lock', async ({
    shop,
    writer,
    processes,
    startRun,
    query,
    expectSettled,
  }) => {
    await scenario(
      {
        scenario: '4. stale load attempt holding the load lock',
        fault: `worker SIGSTOPped inside its load transaction, past the ${HEARTBEAT_SECONDS} s heartbeat timeout`,
      },
      async () => {
        const { orderId, stale, run } = await freezeALoadAttempt(
          { shop, writer, processes, startRun },
          'load-locked',
          'etl-fence-locked',
        );
        const { rows: held } = await query(
          `select a.state from etl.runs r join pg_stat_activity a on a.pid = r.load_backend_pid
           where r.status = 'running'`,
        );
        expect(held).toEqual([{ state: 'idle in transaction' }]);

        processes.worker();
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
        expect(await factsOf(query, orderId)).toEqual({ n: 2_000, run: outcome.runId });
        return expectSettled('stale session ended, retry not blocked; w = s');
      },
    );
  }, 300_000);
});
