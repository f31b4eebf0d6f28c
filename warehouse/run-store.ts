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

/**
 * Records a new run. Incremental runs never overlap: while one is alive (heartbeat within
 * RUN_STALE_AFTER_SECONDS) another is refused; dead ones are marked failed here.
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
  },
): Promise<number> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [PIPELINE_LOCK]);
    await client.query(
      `update etl.runs set status = 'failed', finished_at = now(),
         error = 'abandoned: no heartbeat for ' || $1 || ' s (its process died)'
       where status = 'running' and heartbeat_at < now() - make_interval(secs => $1)`,
      [RUN_STALE_AFTER_SECONDS],
    );
    if (run.kind === 'incremental') {
      const { rows } = await client.query<{ run_id: number; trigger: string; heartbeat_at: string }>(
        `select run_id, trigger, heartbeat_at::text from etl.runs where status = 'running' and kind = 'incremental'`,
      );
      const alive = rows[0];
      if (alive) {
        throw new RunInProgressError(
          `run ${alive.run_id} (started by ${alive.trigger}) is in progress; two runs never overlap`,
          {
            hint: `wait for it (techmarket etl status), or if its process died it is reclaimed ${RUN_STALE_AFTER_SECONDS}s after its last heartbeat (${alive.heartbeat_at})`,
          },
        );
      }
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
    return Number(rows[0]!.run_id);
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
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
  client: pg.ClientBase,
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

export async function readWatermark(
  client: pg.ClientBase,
  sourceTable: string,
): Promise<Watermark | undefined> {
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
