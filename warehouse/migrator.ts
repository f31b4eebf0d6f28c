import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TechmarketError } from '../core/errors.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { createWarehousePool } from './postgres-pool.ts';
import { inTransaction } from './transaction.ts';

const MIGRATIONS_DIR = join(REPO_ROOT, 'warehouse/migrations');
const MIGRATION_FILE = /^\d{3}_[a-z0-9_]+\.sql$/;

export interface WarehouseMigrationOutcome {
  applied: string[];
  skipped: string[];
}

/**
 * Applies warehouse/migrations/NNN_<verb>_<object>.sql in order, each in its own transaction, and
 * records it in etl.schema_migrations. The files are themselves safe to rerun (if not exists / on
 * conflict), so a migration interrupted half-way is simply applied again.
 */
export async function migrateWarehouse(url: string): Promise<WarehouseMigrationOutcome> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort();
  const pool = createWarehousePool(url, { max: 1 });
  const client = await pool.connect();
  try {
    // Serialises concurrent `db migrate` runs (two test workers, a CLI and a worker).
    await client.query('select pg_advisory_lock(hashtext($1))', ['techmarket.migrate']);
    await client.query(`create schema if not exists etl;
      create table if not exists etl.schema_migrations (
        name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'select name, checksum from etl.schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const outcome: WarehouseMigrationOutcome = { applied: [], skipped: [] };
    for (const file of files) {
      const name = file.replace(/\.sql$/, '');
      const sqlText = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
      const checksum = createHash('sha256').update(sqlText).digest('hex');
      const applied = done.get(name);
      if (applied !== undefined) {
        if (applied !== checksum) {
          throw new TechmarketError(`warehouse migration ${file} was changed after it was applied here`, {
            hint: 'restore the file and put the change in a new numbered migration',
          });
        }
        outcome.skipped.push(name);
        continue;
      }
      try {
        await inTransaction(client, async () => {
          await client.query(sqlText);
          await client.query('insert into etl.schema_migrations (name, checksum) values ($1, $2)', [
            name,
            checksum,
          ]);
        });
        outcome.applied.push(name);
      } catch (error) {
        throw new TechmarketError(`warehouse migration ${file} failed: ${(error as Error).message}`, {
          cause: error,
          hint: 'fix the migration, then run techmarket db migrate again: earlier migrations are kept',
        });
      }
    }
    return outcome;
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['techmarket.migrate']).catch(() => {});
    client.release();
    await pool.end();
  }
}
