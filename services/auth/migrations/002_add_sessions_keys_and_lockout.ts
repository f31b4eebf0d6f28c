import { type Kysely, sql } from 'kysely';
import { createUpdatedAtIndex, oneOf, withStandardColumns } from '../../kit/schema-helpers.ts';

/**
 * What the auth service needs beyond the first schema: account lockout, refresh-token families
 * (reuse of a rotated token revokes its family), the audit's event kind, the signing keys (rotated
 * without logging anyone out), and the outbox the reset-token channel writes to by default.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint ck_users_status`.execute(db);
  await db.schema
    .alterTable('users')
    .addCheckConstraint('ck_users_status', oneOf('status', ['active', 'locked', 'disabled', 'deleted']))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', sql`datetime(6)`)
    .execute();
  await db.schema
    .alterTable('refresh_tokens')
    .addColumn('family_id', sql`char(32)`)
    .addColumn('rotated_at', sql`datetime(6)`)
    .execute();
  await db.schema
    .createIndex('ix_refresh_tokens_family_id')
    .on('refresh_tokens')
    .column('family_id')
    .execute();
  await db.schema
    .alterTable('login_audit')
    .addColumn('event', 'varchar(32)', (c) => c.notNull().defaultTo('login'))
    .addColumn('outcome', 'varchar(32)')
    .execute();
  await withStandardColumns(db.schema.createTable('signing_keys'))
    .addColumn('kid', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('algorithm', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addCheckConstraint('ck_signing_keys_status', oneOf('status', ['signing', 'verifying', 'retired']))
    .execute();
  await withStandardColumns(db.schema.createTable('outbound_messages'))
    .addColumn('channel', 'varchar(20)', (c) => c.notNull())
    .addColumn('recipient', 'varchar(255)', (c) => c.notNull())
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  for (const table of ['signing_keys', 'outbound_messages']) await createUpdatedAtIndex(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbound_messages').ifExists().execute();
  await db.schema.dropTable('signing_keys').ifExists().execute();
  await db.schema.alterTable('login_audit').dropColumn('outcome').dropColumn('event').execute();
  await db.schema.dropIndex('ix_refresh_tokens_family_id').on('refresh_tokens').execute();
  await db.schema.alterTable('refresh_tokens').dropColumn('rotated_at').dropColumn('family_id').execute();
  await db.schema.alterTable('users').dropColumn('locked_until').dropColumn('failed_logins').execute();
}
