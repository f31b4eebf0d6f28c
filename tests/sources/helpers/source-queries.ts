import { createHash } from 'node:crypto';
import type { Pool as PromisePool, RowDataPacket } from 'mysql2/promise';
import { type Config, SOURCE_DATABASES, type SourceDatabase, sourceUrl } from '../../../core/config.ts';
import { createMysqlPool } from '../../../core/mysql-pool.ts';

/** Promise pools over the five source databases of a (scratch) configuration, UTC and exact types. */
export function openSources(cfg: Config): Record<SourceDatabase, PromisePool> & { end(): Promise<void> } {
  const pools = Object.fromEntries(
    SOURCE_DATABASES.map((db) => [db, createMysqlPool(sourceUrl(cfg, db), { connectionLimit: 2 }).promise()]),
  ) as Record<SourceDatabase, PromisePool>;
  return {
    ...pools,
    async end() {
      await Promise.all(Object.values(pools).map((pool) => pool.end()));
    },
  };
}

export async function rows<T = RowDataPacket>(
  pool: PromisePool,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const [result] = await pool.query<RowDataPacket[]>(sql, values);
  return result as T[];
}

/** The service tables of the connected database, kysely's bookkeeping excluded. */
export async function serviceTableNames(pool: PromisePool): Promise<string[]> {
  const found = await rows<{ name: string }>(
    pool,
    `select table_name as name from information_schema.tables
      where table_schema = database() and table_name not like 'kysely\\_%' order by table_name`,
  );
  return found.map((r) => r.name);
}

/** Row count and an MD5 over every row in id order (values as the server returns them, as text). */
export async function tableChecksum(
  pool: PromisePool,
  table: string,
): Promise<{ rows: number; md5: string }> {
  const [result] = await pool.query({ sql: `select * from \`${table}\` order by id`, rowsAsArray: true });
  const hash = createHash('md5');
  const all = result as unknown[][];
  for (const row of all) hash.update(`${JSON.stringify(row)}\n`);
  return { rows: all.length, md5: hash.digest('hex') };
}

/** `database.table` → checksum for every service table of the five databases. */
export async function sourceChecksums(cfg: Config): Promise<Record<string, { rows: number; md5: string }>> {
  const sources = openSources(cfg);
  try {
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const db of SOURCE_DATABASES) {
      for (const table of await serviceTableNames(sources[db])) {
        out[`${db}.${table}`] = await tableChecksum(sources[db], table);
      }
    }
    return out;
  } finally {
    await sources.end();
  }
}
