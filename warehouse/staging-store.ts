import type pg from 'pg';
import { COLUMN_TYPES, type ColumnType } from './column-types.ts';
import { deferIndexes } from './index-deferral.ts';
import { ident } from './sql-quote.ts';
import type { SqlRenderer } from './sql-renderer.ts';
import { batchTable, mirrorName, mirrorTable, runBatchesPattern, STAGING_SCHEMA } from './staging-names.ts';

/** The warehouse's view of one source table: enough to build and merge its staging tables. */
export interface StagingTableSpec {
  database: string;
  table: string;
  primaryKey: string;
  cursorColumn: string;
  columns: readonly { name: string; type: ColumnType }[];
  mirrorIndexes: readonly (readonly string[])[];
}

function columnsWithTypes(spec: StagingTableSpec) {
  return spec.columns.map((c) => ({ name: c.name, pgType: COLUMN_TYPES[c.type] }));
}

/**
 * The staging mirror's secondary indexes, named after `name`: the mirror itself, or a first load's
 * batch that is indexed as soon as its extract ends and becomes the mirror later (the adoption renames
 * the indexes then). The run index is how the transforms find a run's rows.
 */
export function secondaryIndexes(
  spec: StagingTableSpec,
  name: string,
): { name: string; columns: string[] }[] {
  return [
    { name: `${name}__run`, columns: ['_etl_run_id'] },
    ...spec.mirrorIndexes.map((columns) => ({
      name: `${name}__${columns.join('_')}`,
      columns: [...columns],
    })),
  ];
}

/**
 * Creates the staging mirror and the indexes its configuration names, and drops the secondary indexes
 * it no longer names. Every run calls this for every mirror, so for one that is as configured it
 * issues no DDL at all: even CREATE INDEX IF NOT EXISTS share-locks the table first, and so waits for
 * an autovacuum of it until PostgreSQL cancels the vacuum (deadlock_timeout: a second a run, and on a
 * big table a vacuum that never gets to finish).
 */
export async function ensureMirror(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
): Promise<void> {
  const mirror = mirrorTable(spec.database, spec.table);
  const name = mirrorName(spec.database, spec.table);
  const existing = await indexNames(client, mirror);
  const wanted = secondaryIndexes(spec, name);
  await client.query(
    renderer.render('staging/create_staging_tables.sql', {
      mirror,
      name,
      columns: columnsWithTypes(spec),
      primaryKey: spec.primaryKey,
      indexes: wanted.filter((index) => !existing.includes(index.name)),
    }),
  );
  const stale = existing.filter(
    (index) => index.startsWith(`${name}__`) && !wanted.some((w) => w.name === index),
  );
  for (const index of stale) await client.query(`drop index ${STAGING_SCHEMA}.${ident(index)}`);
}

/** The names of a table's indexes; none when the table does not exist. */
export async function indexNames(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = to_regclass($1)`,
    [table],
  );
  return rows.map((row) => row.name);
}

/**
 * Creates (or finds, when a run resumes) the run's batch table for one source table. A first load's
 * batch is logged, because it becomes the mirror itself (see `mergeBatch`).
 */
export async function ensureBatch(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  runId: number,
  options: { firstLoad: boolean },
): Promise<string> {
  const batch = batchTable(spec.database, spec.table, runId);
  await client.query(
    renderer.render('staging/create_batch_table.sql', {
      batch,
      columns: columnsWithTypes(spec),
      primaryKey: spec.primaryKey,
      logged: options.firstLoad,
    }),
  );
  return batch;
}

export async function isMirrorEmpty(client: pg.ClientBase, spec: StagingTableSpec): Promise<boolean> {
  const mirror = mirrorTable(spec.database, spec.table);
  const { rows } = await client.query<{ empty: boolean }>(
    `select not exists (select 1 from ${mirror}) as empty`,
  );
  return rows[0]!.empty;
}

/** The batch's last keyset position, from which an interrupted extract resumes. */
export async function batchResumePoint(
  client: pg.ClientBase,
  spec: StagingTableSpec,
  batch: string,
  mode: 'full' | 'incremental',
): Promise<{ updatedAt: string; id: string; rows: number } | undefined> {
  const key = ident(spec.primaryKey);
  const cursor = ident(spec.cursorColumn);
  // Qualified: a bare name in ORDER BY means the text output alias, and '9999' sorts after '36369'.
  const order = mode === 'full' ? `b.${key} desc` : `b.${cursor} desc, b.${key} desc`;
  const { rows } = await client.query<{ updated_at: string; id: string; total: string }>(
    `select to_char(b.${cursor} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as updated_at, b.${key}::text as id,
            (select count(*) from ${batch})::text as total
     from ${batch} b order by ${order} limit 1`,
  );
  const row = rows[0];
  return row ? { updatedAt: row.updated_at, id: row.id, rows: Number(row.total) } : undefined;
}

/**
 * Merges a batch into its mirror (see sql/staging/merge_batch.sql) and returns the rows written. First
 * loads usually skip this: the batch becomes the mirror (`adoptBatchAsMirror`); copying millions of rows from one table to the
 * other was a third of the first load's time.
 */
export async function mergeBatch(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  batch: string,
  runId: number,
  dedupe: boolean,
): Promise<number> {
  const columns = spec.columns.map((c) => c.name);
  const mirror = mirrorTable(spec.database, spec.table);
  const empty = await isMirrorEmpty(client, spec);
  const restoreIndexes = empty ? await deferIndexes(client, mirror) : async () => {};
  const result = await client.query(
    renderer.render('staging/merge_batch.sql', {
      empty,
      mirror,
      batch,
      columnNames: columns,
      columnList: columns.map(ident).join(', '),
      primaryKey: spec.primaryKey,
      cursorColumn: spec.cursorColumn,
      runId,
      dedupe,
    }),
  );
  await restoreIndexes();
  return result.rowCount ?? 0;
}

export async function dropBatch(client: pg.ClientBase, batch: string): Promise<void> {
  await client.query(`drop table if exists ${batch}`);
}

/**
 * Runs that finished (succeeded or failed) yet still own batch tables: a run whose warehouse
 * connection broke records its failure, but its clean-up on the same broken connection fails. No
 * finished run reads its batches again, so the next run drops them (with the abandoned runs').
 */
export async function finishedRunsWithBatches(client: pg.Pool | pg.ClientBase): Promise<number[]> {
  const { rows } = await client.query<{ run_id: number }>(
    `select distinct r.run_id::int from pg_tables t
     join etl.runs r on r.run_id = substring(t.tablename from '__r([0-9]+)$')::bigint
     where t.schemaname = $1 and t.tablename ~ '^.+__.+__r[0-9]+$' and r.status <> 'running'
     order by 1`,
    [STAGING_SCHEMA],
  );
  return rows.map((r) => r.run_id);
}

/**
 * Drops the batch tables runs left behind. Matched by the exact batch name scheme: a table that
 * merely looks like one under LIKE (whose `_` is any character) is left alone.
 */
export async function dropRunBatches(
  client: pg.Pool | pg.ClientBase,
  runIds: readonly number[],
): Promise<number> {
  let dropped = 0;
  for (const runId of runIds) {
    const { rows } = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
       where schemaname = $1 and tablename ~ $2`,
      [STAGING_SCHEMA, runBatchesPattern(runId)],
    );
    for (const { name } of rows) {
      await client.query(`drop table if exists ${name}`);
      dropped++;
    }
  }
  return dropped;
}
