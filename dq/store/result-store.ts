import type pg from 'pg';
import { DqError } from '../dq-errors.ts';
import type { DqResult } from '../run/dq-result.ts';

const UNDEFINED_TABLE = '42P01';

/** A new DQ run id: all results of one execution of the rules share it. */
export async function nextDqRunId(warehouse: pg.Pool): Promise<number> {
  try {
    const { rows } = await warehouse.query<{ id: string }>("select nextval('dq.run_id_seq')::text as id");
    return Number(rows[0]!.id);
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
    throw new DqError('the warehouse has no dq.results yet', {
      hint: 'apply the warehouse migrations: techmarket db migrate',
      cause: error,
    });
  }
}

/** Stores one result as soon as its rule finishes, so a gate that stops the run leaves them all. */
export async function storeResult(
  warehouse: pg.Pool,
  dqRunId: number,
  etlRunId: number | null,
  result: DqResult,
): Promise<void> {
  await warehouse.query(
    `insert into dq.results (dq_run_id, etl_run_id, rule_name, rule_type, rule_file, severity, target, status,
       observed_value, threshold, failing_count, total_count, duration_ms, message, details, sample_rows)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      dqRunId,
      etlRunId,
      result.ruleName,
      result.ruleType,
      result.ruleFile,
      result.severity,
      result.target,
      result.status,
      result.observedValue,
      result.threshold,
      result.failingCount,
      result.totalCount,
      Math.round(result.durationMs),
      result.message,
      JSON.stringify(result.details),
      JSON.stringify(result.sampleRows),
    ],
  );
}

export interface StoredDqRun {
  dqRunId: number;
  etlRunId: number | null;
  checkedAt: string;
  results: DqResult[];
}

/** One DQ run's results: by its id, the latest of an ETL run, or the latest of all. */
export async function loadDqRun(
  warehouse: pg.Pool,
  which: { dqRunId?: number; etlRunId?: number } = {},
): Promise<StoredDqRun | undefined> {
  const { rows: found } = await warehouse.query<{ dq_run_id: string }>(
    which.dqRunId !== undefined
      ? 'select dq_run_id::text from dq.results where dq_run_id = $1 limit 1'
      : which.etlRunId !== undefined
        ? 'select max(dq_run_id)::text as dq_run_id from dq.results where etl_run_id = $1 having count(*) > 0'
        : 'select max(dq_run_id)::text as dq_run_id from dq.results having count(*) > 0',
    which.dqRunId !== undefined ? [which.dqRunId] : which.etlRunId !== undefined ? [which.etlRunId] : [],
  );
  if (found.length === 0) return undefined;
  const dqRunId = Number(found[0]!.dq_run_id);
  const { rows } = await warehouse.query(
    `select rule_name, rule_type, rule_file, severity, target, status, observed_value::float8 as observed_value,
            threshold, failing_count::float8 as failing_count, total_count::float8 as total_count, duration_ms,
            message, details, sample_rows, etl_run_id::float8 as etl_run_id,
            to_char(checked_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' as checked_at
     from dq.results where dq_run_id = $1 order by result_id`,
    [dqRunId],
  );
  const results: DqResult[] = rows.map((r) => ({
    ruleName: r.rule_name,
    ruleType: r.rule_type,
    ruleFile: r.rule_file,
    severity: r.severity,
    target: r.target,
    status: r.status,
    observedValue: r.observed_value,
    threshold: r.threshold,
    failingCount: r.failing_count,
    totalCount: r.total_count,
    durationMs: r.duration_ms,
    message: r.message,
    details: r.details ?? {},
    sampleRows: r.sample_rows,
    checkedAt: r.checked_at,
  }));
  return {
    dqRunId,
    etlRunId: rows[0]?.etl_run_id ?? null,
    checkedAt: rows.at(-1)?.checked_at ?? '',
    results,
  };
}
