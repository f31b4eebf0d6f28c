import type { Migration } from 'kysely';
import * as m001 from './001_create_orders_schema.ts';
import * as m002 from './002_index_orders_created_at.ts';
import * as m003 from './003_link_accounts_and_idempotency.ts';

/** Migrations of the orders database, in order; names are recorded by kysely's Migrator. */
export const ORDERS_MIGRATIONS: Record<string, Migration> = {
  '001_create_orders_schema': m001,
  '002_index_orders_created_at': m002,
  '003_link_accounts_and_idempotency': m003,
};
