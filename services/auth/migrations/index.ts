import type { Migration } from 'kysely';
import * as m001 from './001_create_auth_schema.ts';
import * as m002 from './002_add_sessions_keys_and_lockout.ts';

/** Migrations of the auth database, in order; names are recorded by kysely's Migrator. */
export const AUTH_MIGRATIONS: Record<string, Migration> = {
  '001_create_auth_schema': m001,
  '002_add_sessions_keys_and_lockout': m002,
};
