import type pg from 'pg';
import { TechmarketError } from '../core/errors.ts';

/**
 * Refused because a newer attempt at the same run's load began (an orchestrator retried this one,
 * e.g. after its worker stopped heartbeating): this attempt rolled back, the newer one's load stands.
 */
export class LoadSupersededError extends TechmarketError {}

export interface LoadAttempt {
  runId: number;
  /** This attempt's number: only the latest attempt of a run may commit its load. */
  attempt: number;
  /** The summary a previous attempt committed, when the load already committed (then load nothing). */
  committed: unknown;
}

/** How long ending a stale attempt's session is waited for, in milliseconds. */
const END_STALE_SESSION_TIMEOUT_MS = 5_000;

/**
 * Takes the next attempt at a run's load, on the connection that will run the load. A previous attempt
 * whose session is still inside a transaction is stale (only a retry starts a second attempt) and may
 * hold the load's locks while its process is paused: its session is ended first, so this attempt does
 * not wait on it. A previous attempt that is between statements is left alone: its own checks
 * (checkLoadAttempt, commitLoadAttempt) refuse it.
 */
export async function takeLoadAttempt(client: pg.ClientBase, runId: number): Promise<LoadAttempt> {
  await client.query(
    `select pg_terminate_backend(a.pid, $2)
     from etl.runs r
     join pg_stat_activity a on a.pid = r.load_backend_pid and a.backend_start = r.load_backend_started
     where r.run_id = $1 and a.pid <> pg_backend_pid() and a.state <> 'idle'`,
    [runId, END_STALE_SESSION_TIMEOUT_MS],
  );
  const { rows } = await client.query<{ load_attempt: number; load_result: unknown }>(
    `update etl.runs set load_attempt = load_attempt + 1, load_backend_pid = pg_backend_pid(),
       load_backend_started = (select backend_start from pg_stat_activity where pid = pg_backend_pid())
     where run_id = $1 returning load_attempt, load_result`,
    [runId],
  );
  if (!rows[0]) throw new TechmarketError(`run ${runId} is not recorded in etl.runs: begin the run first`);
  return { runId, attempt: rows[0].load_attempt, committed: rows[0].load_result };
}

function superseded(attempt: LoadAttempt, latest: number): LoadSupersededError {
  return new LoadSupersededError(
    `load attempt ${attempt.attempt} of run ${attempt.runId} was superseded by attempt ${latest}; it rolled back`,
    {
      hint: 'nothing to do: the newer attempt loads this run (this one was retried while paused or cut off)',
      context: { runId: attempt.runId, attempt: attempt.attempt, supersededBy: latest },
    },
  );
}

/** Inside the load's transaction, before it writes: refuses an attempt a newer one superseded. */
export async function checkLoadAttempt(client: pg.ClientBase, attempt: LoadAttempt): Promise<void> {
  const { rows } = await client.query<{ load_attempt: number }>(
    'select load_attempt from etl.runs where run_id = $1',
    [attempt.runId],
  );
  const latest = rows[0]?.load_attempt ?? attempt.attempt;
  if (latest !== attempt.attempt) throw superseded(attempt, latest);
}

/**
 * Last in the load's transaction: records its summary only if this is still the latest attempt. The
 * row lock this update takes lasts until the commit, so no newer attempt can begin in between: either
 * this commit happens before the newer attempt is taken, or it is refused.
 */
export async function commitLoadAttempt(
  client: pg.ClientBase,
  attempt: LoadAttempt,
  result: unknown,
): Promise<void> {
  const { rowCount } = await client.query(
    'update etl.runs set load_result = $3 where run_id = $1 and load_attempt = $2',
    [attempt.runId, attempt.attempt, JSON.stringify(result)],
  );
  if (rowCount === 1) return;
  const { rows } = await client.query<{ load_attempt: number }>(
    'select load_attempt from etl.runs where run_id = $1',
    [attempt.runId],
  );
  throw superseded(attempt, rows[0]?.load_attempt ?? attempt.attempt);
}
