import type pg from 'pg';

/**
 * Drops a table's secondary indexes and returns what rebuilds them. For a bulk load into an empty
 * table, one sort per index afterwards is several times cheaper than a b-tree insert per row. The
 * definitions are read from the catalog, so the migrations stay their only source. Primary keys and
 * unique constraints stay: the load relies on them.
 */
export async function deferSecondaryIndexes(
  client: pg.ClientBase,
  table: string,
): Promise<() => Promise<void>> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     join pg_class c on c.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace
     where i.indrelid = $1::regclass and not i.indisprimary and not i.indisunique`,
    [table],
  );
  for (const index of rows) await client.query(`drop index ${index.name}`);
  return async () => {
    for (const index of rows) await client.query(index.definition);
  };
}
