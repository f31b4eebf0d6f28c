import type { Pool as MysqlPool } from 'mysql2/promise';
import type pg from 'pg';

/**
 * Rules carry SQL written by people; they run in read-only transactions with a time limit, so a
 * careless expression can neither change the warehouse nor hold up the pipeline indefinitely.
 */
export const DQ_STATEMENT_TIMEOUT_SECONDS = 600;

/**
 * Parallel workers a query may use when its caller asks for them (`parallel`): PostgreSQL's
 * default, one per core of the 2-core machine the warehouse is sized for (ops/infra/parts/postgres.ts).
 */
const PARALLEL_WORKERS = 2;

export async function queryWarehouse<R extends pg.QueryResultRow = Record<string, unknown>>(
  warehouse: pg.Pool,
  text: string,
  values: unknown[] = [],
  options: { parallel?: boolean } = {},
): Promise<R[]> {
  const client = await warehouse.connect();
  try {
    await client.query('begin transaction read only');
    await client.query(`set local statement_timeout = '${DQ_STATEMENT_TIMEOUT_SECONDS}s'`);
    // Rules already run DQ_PARALLELISM at a time, a connection each: parallel workers on top only
    // contend with the other rule (and each rebuilds the scan's lookup tables). The exception is a
    // query that is the gate's long pole (a full check's shared scan of the fact, `parallel`): the
    // other connection runs out of rules long before it ends, and its core would idle.
    await client.query(
      `set local max_parallel_workers_per_gather = ${options.parallel ? PARALLEL_WORKERS : 0}`,
    );
    // JIT compiles each rule's query anew, costed from whole-table statistics: a run-scoped rollup
    // rule that reads no row spent 2.9 s compiling and 8 ms running (issue 18; the transform has
    // jit off for the same reason).
    await client.query('set local jit = off');
    const { rows } = await client.query<R>(text, values);
    return rows;
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

/** The sources are read through the ETL's read-only account already; this only bounds the time. */
export async function querySource<R = Record<string, unknown>>(
  source: MysqlPool,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const [rows] = await source.query({ sql: text, values, timeout: DQ_STATEMENT_TIMEOUT_SECONDS * 1000 });
  return rows as R[];
}

/** Quotes a PostgreSQL identifier or a qualified name (dwh.fact_sales → "dwh"."fact_sales"). */
export const quoteName = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');

/** A SQL literal for a declared value; the only way rule values enter generated SQL. */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replaceAll("'", "''")}'`;
}
