import { ident } from './sql-quote.ts';

/**
 * The one owner of the staging naming scheme, in schema `stg`: a source table's mirror is
 * `<database>__<table>`, and each run lands its extract of it in a batch `<database>__<table>__r<run id>`
 * (unlogged, dropped when merged). Index names start with the table's name.
 */
export const STAGING_SCHEMA = 'stg';

/** The mirror's bare name (`orders__customers`), from which its indexes are named too. */
export const mirrorName = (database: string, table: string) => `${database}__${table}`;

/** A run's batch's bare name (`orders__customers__r42`). */
export const batchName = (database: string, table: string, runId: number | string) =>
  `${mirrorName(database, table)}__r${runId}`;

/** The mirror, schema-qualified and quoted, for SQL. */
export const mirrorTable = (database: string, table: string) =>
  `${STAGING_SCHEMA}.${ident(mirrorName(database, table))}`;

/** The run's batch, schema-qualified and quoted, for SQL. */
export const batchTable = (database: string, table: string, runId: number | string) =>
  `${STAGING_SCHEMA}.${ident(batchName(database, table, runId))}`;

/**
 * A PostgreSQL regular expression (`tablename ~ …`) that matches the bare names of one run's batches
 * and no other table: a LIKE pattern would read each `_` as any character.
 */
export const runBatchesPattern = (runId: number) => `^.+__.+__r${Math.trunc(runId)}$`;

/** A PostgreSQL regular expression matching the bare name of any run's batch. */
export const ANY_BATCH_PATTERN = '^.+__.+__r[0-9]+$';
