import type { Migration } from 'kysely';
import * as m001 from './001_create_payments_schema.ts';
import * as m002 from './002_amounts_cards_and_webhooks.ts';
import * as m003 from './003_index_payments_psp_reference.ts';

/** Migrations of the payments database, in order; names are recorded by kysely's Migrator. */
export const PAYMENTS_MIGRATIONS: Record<string, Migration> = {
  '001_create_payments_schema': m001,
  '002_amounts_cards_and_webhooks': m002,
  '003_index_payments_psp_reference': m003,
};
