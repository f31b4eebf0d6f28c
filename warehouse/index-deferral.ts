import type pg from 'pg';

/**
 * Drops a table's secondary indexes (and with `primaryKey`, its primary key) and returns what
 * rebuilds them. For a bulk load into an empty table, one sort per index afterwards is several times
 * cheaper than a b-tree insert per row; a rebuilt primary key still refuses duplicates, failing the
 * load's transaction. The definitions are read from the catalog, so the migrations stay their only
 * source. Unique constraints stay: loads rely on them.
 */
export async function deferIndexes(
  client: pg.ClientBase,
  table: string,
  options: { primaryKey?: boolean } = {},
): Promise<() => Promise<void>> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     join pg_class c on c.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace
     where i.indrelid = $1::regclass and not i.indisprimary and not i.indisunique`,
    [table],
  );
  const { rows: keys } = options.primaryKey
    ? await client.query<{ name: string; definition: string }>(
        `select quote_ident(conname) as name, pg_get_constraintdef(oid) as definition
         from pg_constraint where conrelid = $1::regclass and contype = 'p'`,
        [table],
      )
    : { rows: [] };
  for (const key of keys) await client.query(`alter table ${table} drop constraint ${key.name}`);
  for (const index of indexes) await client.query(`drop index ${index.name}`);
  return async () => {
    for (const key of keys)
      await client.query(`alter table ${table} add constraint ${key.name} ${key.definition}`);
    for (const index of indexes) await client.query(index.definition);
  };
}
