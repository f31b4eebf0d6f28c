import { type Kysely, sql } from 'kysely';
import { createUpdatedAtIndex, oneOf, withStandardColumns } from '../../kit/schema-helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('notifications'))
    .addColumn('event_id', sql`char(36)`, (c) => c.notNull())
    .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('recipient', 'varchar(255)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('queued'))
    .addColumn('payload', 'json')
    .addColumn('sent_at', sql`datetime(6)`)
    .addCheckConstraint('ck_notifications_channel', oneOf('channel', ['email', 'sms', 'push']))
    .addCheckConstraint('ck_notifications_status', oneOf('status', ['queued', 'sent', 'failed']))
    .addUniqueConstraint('uq_notifications_event_channel', ['event_id', 'channel'])
    .execute();
  await withStandardColumns(db.schema.createTable('processed_events'))
    .addColumn('event_id', sql`char(36)`, (c) => c.notNull().unique())
    .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
    .execute();
  for (const table of ['notifications', 'processed_events']) await createUpdatedAtIndex(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('processed_events').ifExists().execute();
  await db.schema.dropTable('notifications').ifExists().execute();
}
