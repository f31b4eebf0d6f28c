import type { Pool as MysqlPool } from 'mysql2/promise';
import type pg from 'pg';
import { type Config, etlSourceUrl, type SourceDatabase } from '../core/config.ts';
import { createMysqlPool } from '../core/mysql-pool.ts';
import { createSqlRenderer, createWarehousePool, type SqlRenderer } from '../warehouse/index.ts';

/**
 * What every pipeline step needs, built once per process (the --local runner or the Temporal worker)
 * and passed in, so steps are testable against scratch databases.
 */
/** Sizes of the extract's units of work; defaults suit tables of millions of rows. */
export interface ExtractTuning {
  /** Rows per keyset query against the source (default 250,000). */
  pageRows: number;
  /** Rows handed from the source stream to the COPY encoder at a time (default 5,000). */
  chunkRows: number;
  /** Rows per COPY statement; each commits, so an interrupted extract resumes after it (default 500,000). */
  commitEveryRows: number;
}

export const DEFAULT_EXTRACT_TUNING: ExtractTuning = {
  pageRows: 250_000,
  chunkRows: 5_000,
  commitEveryRows: 500_000,
};

export interface PipelineDeps {
  config: Config;
  tuning: ExtractTuning;
  warehouse: pg.Pool;
  renderer: SqlRenderer;
  /** The source database through the ETL's read-only account. */
  source(database: SourceDatabase): MysqlPool;
  close(): Promise<void>;
}

export function createPipelineDeps(config: Config, tuning: Partial<ExtractTuning> = {}): PipelineDeps {
  const warehouse = createWarehousePool(config.DWH_URL, { max: 8 });
  const sources = new Map<SourceDatabase, MysqlPool>();
  return {
    config,
    tuning: { ...DEFAULT_EXTRACT_TUNING, ...tuning },
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
