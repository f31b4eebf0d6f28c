import type pg from 'pg';
import { TechmarketError } from '../core/errors.ts';
import type { SqlRenderer } from './sql-renderer.ts';

export interface StatementResult {
  command: string;
  rowCount: number;
  rows: Record<string, unknown>[];
}

export interface ModelResult {
  model: string;
  statements: StatementResult[];
  /** The last SELECT's first row: models report their counts there. */
  summary: Record<string, unknown>;
  durationMs: number;
}

/**
 * Renders one SQL model and runs it on the caller's client (so inside the caller's transaction);
 * a failure names the model and the statement PostgreSQL rejected.
 */
export async function runModel(
  client: pg.PoolClient,
  renderer: SqlRenderer,
  model: string,
  context: Record<string, unknown>,
): Promise<ModelResult> {
  const started = performance.now();
  const text = renderer.render(model, context);
  let raw: pg.QueryResult | pg.QueryResult[];
  try {
    raw = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
  } catch (error) {
    const position = Number((error as { position?: string }).position);
    const near = Number.isFinite(position)
      ? ` near: ${text.slice(Math.max(0, position - 60), position + 60).replace(/\s+/g, ' ')}`
      : '';
    throw new TechmarketError(`SQL model ${model} failed: ${(error as Error).message}${near}`, {
      cause: error,
      retryable: isTransient(error),
    });
  }
  const results = Array.isArray(raw) ? raw : [raw];
  const statements = results.map((r) => ({
    command: r.command,
    rowCount: r.rowCount ?? 0,
    rows: r.rows ?? [],
  }));
  const lastSelect = [...statements].reverse().find((s) => s.command === 'SELECT' && s.rows.length > 0);
  return { model, statements, summary: lastSelect?.rows[0] ?? {}, durationMs: performance.now() - started };
}

/** Serialization failures, deadlocks and lost connections are worth a retry; SQL errors are not. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return ['40001', '40P01', '57P01', '08006', '08003', 'ECONNRESET', 'ECONNREFUSED'].includes(code);
}

export function countFrom(result: ModelResult, field: string): number {
  return Number(result.summary[field] ?? 0);
}

export interface ModelCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * The rows a model wrote, as it reports them: its last SELECT's `inserted`, `updated` and `deleted`.
 * A model that cannot count its updates in SQL (MERGE says only how many rows it touched) reports
 * no `updated`: they are its write statement's rows less the inserted ones (all of an INSERT's).
 */
export function modelCounts(result: ModelResult): ModelCounts {
  const deleted = countFrom(result, 'deleted');
  if ('updated' in result.summary) {
    return { inserted: countFrom(result, 'inserted'), updated: countFrom(result, 'updated'), deleted };
  }
  const write = result.statements.find((s) => s.command === 'MERGE' || s.command === 'INSERT');
  const written = write?.rowCount ?? 0;
  const inserted = write?.command === 'INSERT' ? written : countFrom(result, 'inserted');
  return { inserted, updated: written - inserted, deleted };
}
