import type pg from 'pg';
import { ident } from './sql-quote.ts';
import type { SqlRenderer } from './sql-renderer.ts';
import { batchName, mirrorName, mirrorTable, STAGING_SCHEMA } from './staging-names.ts';
import { indexNames, isMirrorEmpty, type StagingTableSpec, secondaryIndexes } from './staging-store.ts';

// First loads: a run's batch simply becomes the empty mirror (renamed into its place, its indexes
// built beside the transform) instead of being merged into it.

async function isLogged(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ logged: boolean }>(
    "select relpersistence = 'p' as logged from pg_class where oid = $1::regclass",
    [table],
  );
  return rows[0]?.logged === true;
}

/**
 * Gives a first load's batch the mirror's bookkeeping columns (no rewrite: constant defaults) and
 * fresh statistics, so the transform can read it as the mirror while its indexes are built beside it
 * (`indexBatchForAdoption`). Does nothing to a batch that has them.
 */
export async function prepareBatchForAdoption(client: pg.ClientBase, batch: string, runId: number) {
  const { rows } = await client.query(
    "select 1 from pg_attribute where attrelid = $1::regclass and attname = '_etl_run_id' and not attisdropped",
    [batch],
  );
  if (rows.length > 0) return;
  await client.query(
    `alter table ${batch}
       add column _loaded_at timestamptz not null default now(),
       add column _etl_run_id bigint default ${Number(runId)},
       add column _deleted_at timestamptz`,
  );
  await client.query(`alter table ${batch} alter column _etl_run_id drop default`);
  await client.query(`analyze ${batch}`);
}

/**
 * Builds a prepared batch's key index and the mirror's secondary indexes, named after the batch (the
 * empty mirror still holds the mirror's names). Index builds only share-lock the table, so this runs on
 * a connection of its own while the transform reads the batch. Skips what exists.
 */
export async function indexBatchForAdoption(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  batch: string,
  runId: number,
): Promise<void> {
  const name = batchName(spec.database, spec.table, runId);
  const existing = await indexNames(client, batch);
  // A unique index, not yet the key: ADD PRIMARY KEY would lock the batch against the transform's
  // reads; the adoption turns the index into the key in an instant.
  await client.query(
    `create unique index if not exists ${ident(`${name}_pkey`)} on ${batch} (${ident(spec.primaryKey)})`,
  );
  await client.query(
    renderer.render('staging/mirror_indexes.sql', {
      table: batch,
      indexes: secondaryIndexes(spec, name).filter((index) => !existing.includes(index.name)),
    }),
  );
}

/**
 * Whether this run's batch can simply become the mirror: a first load (empty mirror) whose batch was
 * loaded logged and in one piece (a resumed extract may hold rows twice and goes through the merge).
 */
export async function isAdoptable(
  client: pg.ClientBase,
  spec: StagingTableSpec,
  batch: string,
  dedupe: boolean,
): Promise<boolean> {
  return !dedupe && (await isMirrorEmpty(client, spec)) && (await isLogged(client, batch));
}

/**
 * Renames a batch into the empty mirror's place, its indexes named as the mirror's (building whatever
 * `prepareBatchForAdoption` and `indexBatchForAdoption` have not).
 */
export async function adoptBatchAsMirror(
  client: pg.ClientBase,
  renderer: SqlRenderer,
  spec: StagingTableSpec,
  batch: string,
  runId: number,
): Promise<void> {
  await prepareBatchForAdoption(client, batch, runId);
  await indexBatchForAdoption(client, renderer, spec, batch, runId);
  const mirror = mirrorTable(spec.database, spec.table);
  const bareName = mirrorName(spec.database, spec.table);
  const prefix = batchName(spec.database, spec.table, runId);
  await client.query(`drop table ${mirror}`);
  await client.query(`alter table ${batch} rename to ${ident(bareName)}`);
  await client.query(`alter table ${mirror} reset (autovacuum_enabled)`);
  for (const index of await indexNames(client, mirror)) {
    if (!index.startsWith(prefix)) continue;
    const renamed = bareName + index.slice(prefix.length);
    await client.query(`alter index ${STAGING_SCHEMA}.${ident(index)} rename to ${ident(renamed)}`);
  }
  await client.query(
    `alter table ${mirror} add constraint ${ident(`${bareName}_pkey`)} primary key using index ${ident(`${bareName}_pkey`)}`,
  );
}
