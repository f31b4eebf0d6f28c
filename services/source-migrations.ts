import { type Migration, type MigrationResult, Migrator } from 'kysely';
import type { SourceDatabase } from '../core/config.ts';
import { TechmarketError } from '../core/errors.ts';
import { createMysqlKysely } from '../core/mysql-kysely.ts';
import { AUTH_MIGRATIONS } from './auth/migrations/index.ts';
import { CATALOG_MIGRATIONS } from './catalog/migrations/index.ts';
import { NOTIFICATIONS_MIGRATIONS } from './notifications/migrations/index.ts';
import { ORDERS_MIGRATIONS } from './orders/migrations/index.ts';
import { PAYMENTS_MIGRATIONS } from './payments/migrations/index.ts';

/** Each service owns its database's schema; these are its migrations. */
export const SOURCE_MIGRATIONS: Record<SourceDatabase, Record<string, Migration>> = {
  auth: AUTH_MIGRATIONS,
  orders: ORDERS_MIGRATIONS,
  catalog: CATALOG_MIGRATIONS,
  payments: PAYMENTS_MIGRATIONS,
  notifications: NOTIFICATIONS_MIGRATIONS,
};

export interface SourceMigrationOutcome {
  database: SourceDatabase;
  applied: string[];
}

/** Brings one source database to the latest schema; already-applied migrations are skipped. */
export async function migrateSourceDatabase(
  database: SourceDatabase,
  url: string,
): Promise<SourceMigrationOutcome> {
  const db = createMysqlKysely<unknown>(url, { connectionLimit: 1 });
  try {
    const migrations = SOURCE_MIGRATIONS[database];
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
      throw new TechmarketError(
        `migration ${failed ?? '?'} of database ${database} failed: ${(error as Error).message}`,
        { cause: error, hint: 'fix the cause, then run techmarket db migrate again: applied steps are kept' },
      );
    }
    return { database, applied: (results ?? []).map((r) => r.migrationName) };
  } finally {
    await db.destroy();
  }
}
