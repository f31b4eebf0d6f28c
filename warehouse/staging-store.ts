import type pg from 'pg';
import { COLUMN_TYPES, type ColumnType } from './column-types.ts';
import { deferSecondaryIndexes } from './index-deferral.ts';
import { batchTable, ident, mirrorTable, type SqlRenderer } from './sql-renderer.ts';

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

/** Creates the staging mirror and its indexes when missing. */
export async function ensureMirror(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
): Promise<void> {
  await client.query(
    renderer.render('staging/create_staging_tables.sql', {
      mirror: mirrorTable(spec.database, spec.table),
      name: `${spec.database}__${spec.table}`,
      columns: columnsWithTypes(spec),
      primaryKey: spec.primaryKey,
      indexes: spec.mirrorIndexes,
    }),
  );
}

/** Creates (or finds, when a run resumes) the run's batch table for one source table. */
export async function ensureBatch(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  runId: number,
): Promise<string> {
  const batch = batchTable(spec.database, spec.table, runId);
  await client.query(
    renderer.render('staging/create_batch_table.sql', { batch, columns: columnsWithTypes(spec) }),
  );
  return batch;
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
 * Merges a batch into its mirror (see sql/staging/merge_batch.sql) and returns rows written; into an
 * empty mirror (a first load) it inserts, indexing afterwards.
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
  const { rows } = await client.query<{ empty: boolean }>(
    `select not exists (select 1 from ${mirror}) as empty`,
  );
  const empty = rows[0]!.empty;
  const restoreIndexes = empty ? await deferSecondaryIndexes(client, mirror) : async () => {};
  const result = await client.query(
    renderer.render('staging/merge_batch.sql', {
      empty,
      mirror,
      batch,
      columns,
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
