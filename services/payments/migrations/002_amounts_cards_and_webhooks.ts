import { type Kysely, sql } from 'kysely';
import { createUpdatedAtIndex, MONEY, withStandardColumns } from '../../kit/schema-helpers.ts';

/**
 * What the payments service needs beyond the demo schema: the authorized, captured and refunded
 * amounts (capture never above the first, refunds never above the second), the card as the PSP's
 * token and its last four digits only, the stored replies of capture and refund keys, and the PSP
 * webhook events already applied (a unique id, so one seen twice changes nothing). `amount` stays
 * the authorized amount and `status` keeps its values, so the ETL reads payments as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['authorized_amount', 'captured_amount', 'refunded_amount']) {
    await db.schema
      .alterTable('payments')
      .addColumn(column, MONEY, (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await db.schema.alterTable('payments').addColumn('card_token', 'varchar(64)').execute();
  await db.schema.alterTable('payments').addColumn('card_last4', sql`char(4)`).execute();
  await db.schema.alterTable('payments').addColumn('failure_code', 'varchar(32)').execute();
  await withStandardColumns(db.schema.createTable('idempotency_keys'))
    .addColumn('scope', 'varchar(64)', (c) => c.notNull())
    .addColumn('idem_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('request_hash', sql`char(64)`, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'json')
    .addUniqueConstraint('uq_idempotency_keys', ['scope', 'idem_key'])
    .execute();
  await withStandardColumns(db.schema.createTable('psp_events'))
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('psp_reference', 'varchar(64)', (c) => c.notNull())
    .execute();
  for (const table of ['idempotency_keys', 'psp_events']) await createUpdatedAtIndex(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('psp_events').ifExists().execute();
  await db.schema.dropTable('idempotency_keys').ifExists().execute();
  for (const column of [
    'failure_code',
    'card_last4',
    'card_token',
    'refunded_amount',
    'captured_amount',
    'authorized_amount',
  ]) {
    await db.schema.alterTable('payments').dropColumn(column).execute();
  }
}
