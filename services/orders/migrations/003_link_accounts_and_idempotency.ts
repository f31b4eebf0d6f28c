import { type Kysely, sql } from 'kysely';
import { createUpdatedAtIndex, withStandardColumns } from '../../kit/schema-helpers.ts';

/**
 * What the orders service needs beyond the demo schema: customers and managers linked to their auth
 * account, usage limits on discount codes, the payment that settled an order, and the stored replies
 * of Idempotency-Key requests. New columns are nullable or defaulted, so the demo generator and the
 * ETL (which read named columns) are unaffected.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('user_id', 'bigint', (c) => c.unique())
    .execute();
  await db.schema
    .alterTable('employees')
    .addColumn('user_id', 'bigint', (c) => c.unique())
    .execute();
  await db.schema.alterTable('discounts').addColumn('max_uses', 'integer').execute();
  await db.schema
    .alterTable('discounts')
    .addColumn('used_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('orders').addColumn('payment_id', 'bigint').execute();
  await db.schema.alterTable('orders').addColumn('refunded_at', sql`datetime(6)`).execute();
  await withStandardColumns(db.schema.createTable('idempotency_keys'))
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('scope', 'varchar(64)', (c) => c.notNull())
    .addColumn('idem_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('request_hash', sql`char(64)`, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'json')
    .addUniqueConstraint('uq_idempotency_keys', ['user_id', 'scope', 'idem_key'])
    .execute();
  await createUpdatedAtIndex(db, 'idempotency_keys');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').ifExists().execute();
  await db.schema.alterTable('orders').dropColumn('refunded_at').execute();
  await db.schema.alterTable('orders').dropColumn('payment_id').execute();
  await db.schema.alterTable('discounts').dropColumn('used_count').execute();
  await db.schema.alterTable('discounts').dropColumn('max_uses').execute();
  await db.schema.alterTable('employees').dropColumn('user_id').execute();
  await db.schema.alterTable('customers').dropColumn('user_id').execute();
}
