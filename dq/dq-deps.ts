import type { Pool as MysqlPool } from 'mysql2/promise';
import type pg from 'pg';
import type { Config, SourceDatabase } from '../core/config.ts';

/**
 * What the DQ runner needs: the warehouse, and each source through the ETL's read-only account.
 * `PipelineDeps` satisfies it as it is, so the pipeline and the Temporal activities pass theirs.
 */
export interface DqDeps {
  config: Config;
  warehouse: pg.Pool;
  source(database: SourceDatabase): MysqlPool;
}
