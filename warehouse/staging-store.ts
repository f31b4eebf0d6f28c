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

export interface MergeOutcome {
  /** Rows written to the mirror. */
  rows: number;
  /** The batch became the mirror (a first load): there is no batch left to drop. */
  adopted: boolean;
}

/**
 * Merges a batch into its mirror (see sql/staging/merge_batch.sql). On a first load the logged batch
 * simply becomes the mirror, keys and indexes built afterwards: copying millions of rows from one
 * table to the other was a third of the first load's time.
 */
export async function mergeBatch(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  batch: string,
  runId: number,
  dedupe: boolean,
): Promise<MergeOutcome> {
  const columns = spec.columns.map((c) => c.name);
  const mirror = mirrorTable(spec.database, spec.table);
  const empty = await isMirrorEmpty(client, spec);
  if (empty && !dedupe && (await isLogged(client, batch))) {
    return { rows: await adoptBatchAsMirror(client, renderer, spec, batch, runId), adopted: true };
  }
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
  return { rows: result.rowCount ?? 0, adopted: false };
}

async function isLogged(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ logged: boolean }>(
    "select relpersistence = 'p' as logged from pg_class where oid = $1::regclass",
    [table],
  );
  return rows[0]?.logged === true;
}

/** Renames the batch into the (empty) mirror's place and gives it the mirror's columns, key and indexes. */
async function adoptBatchAsMirror(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  batch: string,
  runId: number,
): Promise<number> {
  const mirror = mirrorTable(spec.database, spec.table);
  await client.query(`drop table ${mirror}`);
  await client.query(`alter table ${batch} rename to ${ident(`${spec.database}__${spec.table}`)}`);
  // Constant defaults: PostgreSQL records them once instead of rewriting the table.
  await client.query(
    `alter table ${mirror}
       add column _loaded_at timestamptz not null default now(),
       add column _etl_run_id bigint default ${Number(runId)},
       add column _deleted_at timestamptz`,
  );
  await client.query(`alter table ${mirror} alter column _etl_run_id drop default`);
  await client.query(`alter table ${mirror} add primary key (${ident(spec.primaryKey)})`);
  await ensureMirror(client, renderer, spec); // the secondary indexes, as the template declares them
  const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${mirror}`);
  return Number(rows[0]!.n);
}

export async function dropBatch(client: pg.ClientBase, batch: string): Promise<void> {
  await client.query(`drop table if exists ${batch}`);
}
