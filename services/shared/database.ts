import { Kysely, MysqlDialect, type MysqlPool, sql } from 'kysely';
import type { Pool } from 'mysql2';
import { createMysqlPool } from '../../core/mysql-pool.ts';
import { DEFAULT_DB_ACQUIRE_TIMEOUT_MS } from './config.ts';
import { serviceUnavailable } from './errors.ts';

/**
 * The pool as kysely sees it, with a bound on the wait for a connection: past `timeoutMs` the query
 * fails with 503 + Retry-After (through the shared error handler) instead of queueing for as long as
 * a slow database keeps the connections busy. A connection that comes free after its waiter gave up
 * goes straight back to the pool.
 */
function withAcquireTimeout(pool: Pool, timeoutMs: number): MysqlPool {
  return {
    getConnection(callback) {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        callback(
          serviceUnavailable(
            'database_busy',
            `no database connection came free within ${timeoutMs} ms; retry shortly`,
            1,
          ),
          undefined as never,
        );
      }, timeoutMs);
      pool.getConnection((error, connection) => {
        if (settled) {
          connection?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        callback(error, connection);
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

/** A service's kysely over its own MySQL database (UTC sessions, exact DATETIME and DECIMAL strings). */
export function openDatabase<DB>(
  url: string,
  options: { connectionLimit?: number; acquireTimeoutMs?: number } = {},
): Kysely<DB> {
  const pool = createMysqlPool(url, { connectionLimit: options.connectionLimit ?? 10 });
  const acquireTimeoutMs = options.acquireTimeoutMs ?? DEFAULT_DB_ACQUIRE_TIMEOUT_MS;
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool: withAcquireTimeout(pool, acquireTimeoutMs) }) });
}

/** The readiness probe: one round trip to the database. */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** A MySQL duplicate-key error (ER_DUP_ENTRY), which callers turn into 409. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ER_DUP_ENTRY';
}
