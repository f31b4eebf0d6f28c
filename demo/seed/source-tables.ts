import type { Pool, RowDataPacket } from 'mysql2';
import { SOURCE_DATABASES } from '../../core/config.ts';
import { TechmarketError } from '../../core/errors.ts';
import type { SourcePools } from '../source-pools.ts';

/** The service's own tables of a source database (kysely's bookkeeping tables excluded). */
export async function serviceTables(pool: Pool): Promise<string[]> {
  const [rows] = await pool.promise().query<RowDataPacket[]>(
    `select table_name as name from information_schema.tables
      where table_schema = database() and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
      order by table_name`,
  );
  return rows.map((r) => String(r.name));
}

/** `database.table` of every service table that holds at least one row. */
export async function nonEmptyTables(pools: SourcePools): Promise<string[]> {
  const found: string[] = [];
  for (const database of SOURCE_DATABASES) {
    const pool = pools[database];
    for (const table of await serviceTables(pool)) {
      const [rows] = await pool
        .promise()
        .query<RowDataPacket[]>(`select exists(select 1 from \`${table}\`) as present`);
      if (Number(rows[0]?.present) === 1) found.push(`${database}.${table}`);
    }
  }
  return found;
}

/** Empties every service table of the five databases; ids start from 1 again. */
export async function truncateServiceTables(pools: SourcePools): Promise<void> {
  for (const database of SOURCE_DATABASES) {
    const pool = pools[database];
    const tables = await serviceTables(pool);
    const connection = await pool.promise().getConnection();
    try {
      // TRUNCATE refuses a table that others reference unless key checks are off for the session.
      await connection.query('SET foreign_key_checks = 0');
      for (const table of tables) await connection.query(`TRUNCATE TABLE \`${table}\``);
      await connection.query('SET foreign_key_checks = 1');
      connection.release();
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }
}

/** Seeding fills empty databases; over existing data it refuses unless told to reset first. */
export async function prepareForSeed(pools: SourcePools, reset: boolean): Promise<void> {
  if (reset) {
    await truncateServiceTables(pools);
    return;
  }
  const occupied = await nonEmptyTables(pools);
  if (occupied.length > 0) {
    const shown =
      occupied.slice(0, 3).join(', ') + (occupied.length > 3 ? `, … (${occupied.length} tables)` : '');
    throw new TechmarketError(
      `the source databases already hold data (${shown}); seed fills empty databases only`,
      {
        hint: 'rerun with --reset to empty all five source databases first (the warehouse then needs a full reload)',
      },
    );
  }
}
