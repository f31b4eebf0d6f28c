import { type Kysely, sql } from 'kysely';
import { createMysqlKysely } from '../../core/mysql-kysely.ts';

/** A service's kysely over its own MySQL database (UTC sessions, exact DATETIME and DECIMAL strings). */
export function openDatabase<DB>(url: string, connectionLimit = 10): Kysely<DB> {
  return createMysqlKysely<DB>(url, { connectionLimit });
}

/** The readiness probe: one round trip to the database. */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** A MySQL duplicate-key error (ER_DUP_ENTRY), which callers turn into 409. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ER_DUP_ENTRY';
}
