import type { Pool as MysqlPool } from 'mysql2/promise';
import type pg from 'pg';
import { type Config, etlSourceUrl, type SourceDatabase } from '../core/config.ts';
import { createMysqlPool } from '../core/mysql-pool.ts';
import { createSqlRenderer, createWarehousePool, type SqlRenderer } from '../warehouse/index.ts';

/**
 * What every pipeline step needs, built once per process (the --local runner or the Temporal worker)
 * and passed in, so steps are testable against scratch databases.
 */
export interface PipelineDeps {
  config: Config;
  warehouse: pg.Pool;
  renderer: SqlRenderer;
  /** The source database through the ETL's read-only account. */
  source(database: SourceDatabase): MysqlPool;
  close(): Promise<void>;
}

export function createPipelineDeps(config: Config): PipelineDeps {
  const warehouse = createWarehousePool(config.DWH_URL, { max: 8 });
  const sources = new Map<SourceDatabase, MysqlPool>();
  return {
    config,
    warehouse,
    renderer: createSqlRenderer(),
    source(database) {
      let pool = sources.get(database);
      if (!pool) {
        pool = createMysqlPool(etlSourceUrl(config, database), { connectionLimit: 4 }).promise();
        sources.set(database, pool);
      }
      return pool;
    },
    async close() {
      await warehouse.end();
      await Promise.all([...sources.values()].map((p) => p.end()));
      sources.clear();
    },
  };
}
