import type pg from 'pg';
import { TechmarketError } from '../core/errors.ts';
import { inTransaction } from './transaction.ts';

/** A pool or a client: for statements that need no transaction of their own. */
export type Queryable = pg.Pool | pg.ClientBase;

/** A run still heartbeating within this window is alive; older ones are abandoned and reclaimed. */
export const RUN_STALE_AFTER_SECONDS = 300;

export type RunKind = 'incremental' | 'backfill';

export interface RunRecord {
  run_id: number;
  kind: RunKind;
  status: 'running' | 'succeeded' | 'failed';
  trigger: string;
  tables: string[];
  window_from: string | null;
  window_to: string | null;
  workflow_id: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

/** Refused because another run is alive: names it, and says when it would be reclaimed. */
export class RunInProgressError extends TechmarketError {}

const PIPELINE_LOCK = 'techmarket.pipeline';
/** Class id of the per-run advisory locks a live in-process run holds (objid = run id). */
const RUN_LOCK_CLASS = 7_100;

/**
 * Holds the run's liveness lock on a dedicated connection for as long as the process runs it, so a
 * run whose process died is recognised at once (its lock is free) instead of after a heartbeat timeout.
 */
export async function holdRunLock(client: pg.ClientBase, runId: number): Promise<void> {
  await client.query('select pg_advisory_lock($1, $2)', [RUN_LOCK_CLASS, runId]);
}

/** Releases a run's liveness lock on the connection that holds it (a process running many runs). */
export async function releaseRunLock(client: pg.ClientBase, runId: number): Promise<void> {
  await client.query('select pg_advisory_unlock($1, $2)', [RUN_LOCK_CLASS, runId]);
}

/** How long a run lock is waited for: a killed process's session takes a moment to end. */
const RUN_LOCK_GRACE = '2s';

/**
 * Whether a run's liveness lock is free (its process is gone), waiting RUN_LOCK_GRACE for it first:
 * PostgreSQL ends the session of a process that was just killed a moment later, and a run started at
 * once would otherwise be refused for a run that is already dead. Takes the lock for the caller's
 * transaction when free.
 */
async function runLockFree(client: pg.ClientBase, runId: number): Promise<boolean> {
  const setLockTimeout = (value: string) =>
    client.query("select set_config('lock_timeout', $1, true)", [value]);
  const { rows } = await client.query<{ previous: string }>(
    "select current_setting('lock_timeout') as previous",
  );
  await setLockTimeout(RUN_LOCK_GRACE);
  await client.query('savepoint run_lock_probe');
  let free = true;
  try {
    await client.query('select pg_advisory_xact_lock($1, $2)', [RUN_LOCK_CLASS, runId]);
    await client.query('release savepoint run_lock_probe');
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    await client.query('rollback to savepoint run_lock_probe');
    free = false;
  }
  await setLockTimeout(rows[0]!.previous);
  return free;
}

/** A run recorded 'running' whose process is still alive. */
interface OpenRun {
  run_id: number;
  kind: RunKind;
  trigger: string;
  heartbeat_at: string;
}

/**
 * Sorts the runs recorded 'running' into alive ones and abandoned ones (their process is gone). A run
 * is alive while its process holds its run lock, or (for runs driven by Temporal, whose activities may
 * move between workers) while it heartbeats within RUN_STALE_AFTER_SECONDS. In a transaction.
 */
async function judgeOpenRuns(client: pg.ClientBase): Promise<{ alive: OpenRun[]; abandoned: number[] }> {
  const { rows: running } = await client.query<OpenRun & { fresh: boolean }>(
    `select run_id::int, kind, trigger, heartbeat_at::text,
            heartbeat_at > now() - make_interval(secs => $1) as fresh
     from etl.runs where status = 'running' order by run_id`,
    [RUN_STALE_AFTER_SECONDS],
  );
  const alive: OpenRun[] = [];
  const abandoned: number[] = [];
  for (const { fresh, ...other } of running) {
    if ((other.trigger === 'temporal' && fresh) || !(await runLockFree(client, other.run_id))) {
      alive.push(other);
    } else {
      abandoned.push(other.run_id);
    }
  }
  return { alive, abandoned };
}

/** What an operator refused because of a live run should do. */
function waitHint(other: OpenRun): string {
  return other.trigger === 'temporal'
    ? `follow it in the Temporal UI, or wait: a run that stops heartbeating is reclaimed after ${RUN_STALE_AFTER_SECONDS}s (last: ${other.heartbeat_at})`
    : 'wait for it to finish (techmarket etl status)';
}

/**
 * Forgets a table's watermark (`etl reset`), refused while any run is alive: a run in progress would
 * write the watermark it read back when it commits, undoing the reset without a word. Holds the
 * pipeline lock meanwhile, so a run starting at the same moment waits for the reset to commit.
 */
export async function resetWatermarkWhileNoRun(client: pg.ClientBase, sourceTable: string): Promise<boolean> {
  return inTransaction(client, async () => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [PIPELINE_LOCK]);
    const [other] = (await judgeOpenRuns(client)).alive;
    if (other) {
      throw new RunInProgressError(
        `cannot reset ${sourceTable}: run ${other.run_id} (${other.kind}, started by ${other.trigger}) is in progress`,
        { hint: `${waitHint(other)}, then reset again` },
      );
    }
    const result = await client.query('delete from etl.watermarks where source_table = $1', [sourceTable]);
    return (result.rowCount ?? 0) > 0;
  });
}

export interface BeganRun {
  runId: number;
  /** Runs found dead and marked failed; their leftovers can be dropped. */
  abandoned: number[];
  /** True when an orchestrator's retried begin found its own run still open and continued it. */
  adopted: boolean;
}

/**
 * Records a new run. Incremental runs never overlap: while one is alive another is refused. A run is
 * alive while its process holds its run lock, or (for runs driven by Temporal, whose activities
 * may move between workers) while it heartbeats within RUN_STALE_AFTER_SECONDS.
 */
export async function beginRun(
  client: pg.ClientBase,
  run: {
    kind: RunKind;
    tables: string[];
    trigger: string;
    windowFrom?: string;
    windowTo?: string;
    workflowId?: string;
    /**
     * Continue the open run of the same workflow id instead of starting one (default false). Temporal
     * retries an activity whose worker died after the insert committed; without this the retry would
     * find its own run alive and be refused. Only one execution per workflow id is open at a time, so
     * an open run with that id has no other owner.
     */
    adoptOpenRunOfWorkflow?: boolean;
    /**
     * Hold the run's liveness lock on this session from before the run is visible (in-process runs;
     * default false). Taken after the commit instead, another run's beginRun could probe the lock in
     * between, find it free and take this live run for abandoned.
     */
    holdRunLock?: boolean;
  },
): Promise<BeganRun> {
  return inTransaction(client, async () => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [PIPELINE_LOCK]);
    if (run.adoptOpenRunOfWorkflow && run.workflowId) {
      const { rows: open } = await client.query<{ run_id: number }>(
        `select run_id::int from etl.runs where workflow_id = $1 and status = 'running' order by run_id desc limit 1`,
        [run.workflowId],
      );
      if (open[0]) {
        await client.query('update etl.runs set heartbeat_at = clock_timestamp() where run_id = $1', [
          open[0].run_id,
        ]);
        return { runId: open[0].run_id, abandoned: [], adopted: true };
      }
    }
    const { alive, abandoned } = await judgeOpenRuns(client);
    for (const other of alive) {
      if (run.kind === 'incremental' && other.kind === 'incremental') {
        throw new RunInProgressError(
          `run ${other.run_id} (started by ${other.trigger}) is in progress; two runs never overlap`,
          { hint: waitHint(other) },
        );
      }
    }
    if (abandoned.length > 0) {
      // Only if still open: a run that finished (and released its lock) after it was listed above
      // is not abandoned, and its 'succeeded' must not be overwritten.
      await client.query(
        `update etl.runs set status = 'failed', finished_at = now(),
           error = 'abandoned: its process stopped before the run finished; the next run repeated its work'
         where run_id = any($1::bigint[]) and status = 'running'`,
        [abandoned],
      );
    }
    const { rows } = await client.query<{ run_id: number }>(
      `insert into etl.runs (kind, status, trigger, tables, window_from, window_to, workflow_id)
       values ($1, 'running', $2, $3, $4, $5, $6) returning run_id`,
      [
        run.kind,
        run.trigger,
        run.tables,
        run.windowFrom ?? null,
        run.windowTo ?? null,
        run.workflowId ?? null,
      ],
    );
    const runId = Number(rows[0]!.run_id);
    // A session lock: it outlives this transaction's commit, for as long as the session runs the run.
    if (run.holdRunLock) await holdRunLock(client, runId);
    return { runId, abandoned, adopted: false };
  });
}

export async function heartbeatRun(client: Queryable, runId: number): Promise<void> {
  await client.query('update etl.runs set heartbeat_at = clock_timestamp() where run_id = $1', [runId]);
}

export async function finishRun(client: Queryable, runId: number, error?: string): Promise<void> {
  await client.query(
    `update etl.runs set status = $2, finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(), error = $3
     where run_id = $1`,
    [runId, error ? 'failed' : 'succeeded', error ?? null],
  );
}

export async function getRun(client: Queryable, runId: number): Promise<RunRecord | undefined> {
  const { rows } = await client.query<RunRecord>(
    `select run_id, kind, status, trigger, tables, window_from::text, window_to::text, workflow_id,
            started_at::text, finished_at::text, error from etl.runs where run_id = $1`,
    [runId],
  );
  return rows[0];
}
