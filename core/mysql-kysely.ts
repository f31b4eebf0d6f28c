import { Kysely, MysqlDialect } from 'kysely';
import type { PoolOptions } from 'mysql2';
import { createMysqlPool } from './mysql-pool.ts';

/**
 * A kysely instance over `createMysqlPool`; the caller destroys it. Apart from `mysql-pool.ts` because
 * only the source migrations use kysely, and loading it costs every ETL process ~20 MB and 0.25 s.
 */
export function createMysqlKysely<DB>(url: string, options: PoolOptions = {}): Kysely<DB> {
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool: createMysqlPool(url, options) }) });
}
