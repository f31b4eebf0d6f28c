import type pg from 'pg';
import { TechmarketError } from '../core/errors.ts';

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

export interface Watermark {
  updatedAt: string;
  id: string;
}

export interface StepCounts {
  rows_extracted?: number;
  rows_loaded?: number;
  rows_merged?: number;
  rows_inserted?: number;
  rows_updated?: number;
  rows_deleted?: number;
  watermark_before?: Watermark | null;
  watermark_after?: Watermark | null;
  /** Step-specific facts worth keeping: extract mode, bounds, whether it resumed. */
  detail?: Record<string, unknown>;
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
  },
): Promise<BeganRun> {
  await client.query('begin');
  try {
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
        await client.query('commit');
        return { runId: open[0].run_id, abandoned: [], adopted: true };
      }
    }
    const { rows: running } = await client.query<{
      run_id: number;
      kind: RunKind;
      trigger: string;
      heartbeat_at: string;
      fresh: boolean;
    }>(
      `select run_id::int, kind, trigger, heartbeat_at::text,
              heartbeat_at > now() - make_interval(secs => $1) as fresh
       from etl.runs where status = 'running' order by run_id`,
      [RUN_STALE_AFTER_SECONDS],
    );
    const abandoned: number[] = [];
    for (const other of running) {
      const alive =
        (other.trigger === 'temporal' && other.fresh) || !(await runLockFree(client, other.run_id));
      if (!alive) {
        abandoned.push(other.run_id);
        continue;
      }
      if (run.kind === 'incremental' && other.kind === 'incremental') {
        throw new RunInProgressError(
          `run ${other.run_id} (started by ${other.trigger}) is in progress; two runs never overlap`,
          {
            hint:
              other.trigger === 'temporal'
                ? `follow it in the Temporal UI, or wait: a run that stops heartbeating is reclaimed after ${RUN_STALE_AFTER_SECONDS}s (last: ${other.heartbeat_at})`
                : 'wait for it to finish (techmarket etl status)',
          },
        );
      }
    }
    if (abandoned.length > 0) {
      await client.query(
        `update etl.runs set status = 'failed', finished_at = now(),
           error = 'abandoned: its process stopped before the run finished; the next run repeated its work'
         where run_id = any($1::bigint[])`,
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
    await client.query('commit');
    return { runId: Number(rows[0]!.run_id), abandoned, adopted: false };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Drops the batch tables runs left behind (named stg.<db>__<table>__r<run id>). */
export async function dropRunBatches(client: Queryable, runIds: readonly number[]): Promise<number> {
  let dropped = 0;
  for (const runId of runIds) {
    const { rows } = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
       where schemaname = 'stg' and tablename like '%__r' || $1::text`,
      [runId],
    );
    for (const { name } of rows) {
      await client.query(`drop table if exists ${name}`);
      dropped++;
    }
  }
  return dropped;
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

/** Starts (or, when a step is retried, restarts) a step's audit row. */
export async function startStep(
  client: pg.ClientBase,
  runId: number,
  step: string,
  target: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `insert into etl.run_steps (run_id, step, target, status, detail) values ($1, $2, $3, 'running', $4)
     on conflict (run_id, step, target) do update set status = 'running', started_at = clock_timestamp(),
       finished_at = null, duration_ms = null, error = null, detail = coalesce(excluded.detail, etl.run_steps.detail)`,
    [runId, step, target, detail ? JSON.stringify(detail) : null],
  );
}

export async function finishStep(
  client: pg.ClientBase,
  runId: number,
  step: string,
  target: string,
  counts: StepCounts,
  error?: string,
): Promise<void> {
  await client.query(
    `update etl.run_steps set
       status = $4,
       rows_extracted = coalesce($5, rows_extracted), rows_loaded = coalesce($6, rows_loaded),
       rows_merged = coalesce($7, rows_merged), rows_inserted = coalesce($8, rows_inserted),
       rows_updated = coalesce($9, rows_updated), rows_deleted = coalesce($10, rows_deleted),
       watermark_before = coalesce($11, watermark_before), watermark_after = coalesce($12, watermark_after),
       detail = coalesce($14, detail),
       finished_at = clock_timestamp(),
       duration_ms = (extract(epoch from clock_timestamp() - started_at) * 1000)::bigint,
       error = $13
     where run_id = $1 and step = $2 and target = $3`,
    [
      runId,
      step,
      target,
      error ? 'failed' : 'succeeded',
      counts.rows_extracted ?? null,
      counts.rows_loaded ?? null,
      counts.rows_merged ?? null,
      counts.rows_inserted ?? null,
      counts.rows_updated ?? null,
      counts.rows_deleted ?? null,
      counts.watermark_before ? JSON.stringify(counts.watermark_before) : null,
      counts.watermark_after ? JSON.stringify(counts.watermark_after) : null,
      error ?? null,
      counts.detail ? JSON.stringify(counts.detail) : null,
    ],
  );
}

/** The recorded result of one step, e.g. an extract that a retried transform depends on. */
export async function getStep(
  client: Queryable,
  runId: number,
  step: string,
  target: string,
): Promise<
  { status: string; watermark_after: Watermark | null; detail: Record<string, unknown> | null } | undefined
> {
  const { rows } = await client.query(
    'select status, watermark_after, detail from etl.run_steps where run_id = $1 and step = $2 and target = $3',
    [runId, step, target],
  );
  return rows[0];
}

export async function readWatermark(client: Queryable, sourceTable: string): Promise<Watermark | undefined> {
  const { rows } = await client.query<{ updated_at: string; id: string }>(
    `select to_char(cursor_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as updated_at, cursor_id::text as id
     from etl.watermarks where source_table = $1`,
    [sourceTable],
  );
  const row = rows[0];
  return row ? { updatedAt: row.updated_at, id: row.id } : undefined;
}

/** Moves a watermark forward only (never back), in the caller's transaction. */
export async function advanceWatermark(
  client: pg.ClientBase,
  sourceTable: string,
  watermark: Watermark,
  runId: number,
): Promise<void> {
  await client.query(
    `insert into etl.watermarks (source_table, cursor_updated_at, cursor_id, etl_run_id)
     values ($1, $2::timestamp at time zone 'UTC', $3, $4)
     on conflict (source_table) do update set
       cursor_updated_at = excluded.cursor_updated_at, cursor_id = excluded.cursor_id,
       updated_at = now(), etl_run_id = excluded.etl_run_id
     where (etl.watermarks.cursor_updated_at, etl.watermarks.cursor_id) < (excluded.cursor_updated_at, excluded.cursor_id)`,
    [sourceTable, watermark.updatedAt, watermark.id, runId],
  );
}

export async function resetWatermark(client: Queryable, sourceTable: string): Promise<boolean> {
  const result = await client.query('delete from etl.watermarks where source_table = $1', [sourceTable]);
  return (result.rowCount ?? 0) > 0;
}
