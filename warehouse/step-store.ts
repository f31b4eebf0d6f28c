import type pg from 'pg';
import { TechmarketError } from '../core/errors.ts';
import type { Queryable } from './run-store.ts';
import { STEP_KINDS, type StepDetail, type StepKind, type StepStartDetail } from './step-kinds.ts';
import type { Watermark } from './watermark-store.ts';

export interface StepCounts<K extends StepKind = StepKind> {
  rows_extracted?: number;
  rows_loaded?: number;
  rows_merged?: number;
  rows_inserted?: number;
  rows_updated?: number;
  rows_deleted?: number;
  watermark_before?: Watermark | null;
  watermark_after?: Watermark | null;
  /** Step-specific facts worth keeping (step-kinds.ts): extract mode, bounds, whether it resumed. */
  detail?: StepDetail<K>;
}

/** Starts (or, when a step is retried, restarts) a step's audit row. */
export async function startStep<K extends StepKind>(
  client: pg.ClientBase,
  runId: number,
  step: K,
  target: string,
  detail?: StepStartDetail<K>,
): Promise<void> {
  await client.query(
    `insert into etl.run_steps (run_id, step, target, status, detail) values ($1, $2, $3, 'running', $4)
     on conflict (run_id, step, target) do update set status = 'running', started_at = clock_timestamp(),
       finished_at = null, duration_ms = null, error = null, detail = coalesce(excluded.detail, etl.run_steps.detail)`,
    [runId, step, target, detail ? JSON.stringify(detail) : null],
  );
}

export async function finishStep<K extends StepKind>(
  client: pg.ClientBase,
  runId: number,
  step: K,
  target: string,
  counts: StepCounts<K>,
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

/** The recorded state of one step: a succeeded step's detail is its kind's full detail. */
export type StepRecord<K extends StepKind> = { watermark_after: Watermark | null } & (
  | { status: 'succeeded'; detail: StepDetail<K> }
  | { status: 'running' | 'failed'; detail: StepStartDetail<K> }
);

/** The recorded result of one step, e.g. an extract that a retried transform depends on. */
export async function getStep<K extends StepKind>(
  client: Queryable,
  runId: number,
  step: K,
  target: string,
): Promise<StepRecord<K> | undefined> {
  const { rows } = await client.query<{
    status: 'running' | 'succeeded' | 'failed';
    watermark_after: Watermark | null;
    detail: unknown;
  }>(
    'select status, watermark_after, detail from etl.run_steps where run_id = $1 and step = $2 and target = $3',
    [runId, step, target],
  );
  const row = rows[0];
  if (!row) return undefined;
  const schema = STEP_KINDS[step][row.status === 'succeeded' ? 'succeeded' : 'started'];
  const detail = schema.safeParse(row.detail ?? {});
  if (!detail.success) {
    throw new TechmarketError(
      `run ${runId}: the ${step} step of ${target} keeps a detail of another shape: ${detail.error.issues[0]?.message}`,
      { hint: 'a run recorded by another version: start a new run' },
    );
  }
  return { status: row.status, watermark_after: row.watermark_after, detail: detail.data } as StepRecord<K>;
}
