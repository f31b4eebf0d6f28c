import type { Migration } from 'kysely';
import * as m001 from './001_create_notifications_schema.ts';
import * as m002 from './002_notification_owner.ts';

/** Migrations of the notifications database, in order; names are recorded by kysely's Migrator. */
export const NOTIFICATIONS_MIGRATIONS: Record<string, Migration> = {
  '001_create_notifications_schema': m001,
  '002_notification_owner': m002,
};
