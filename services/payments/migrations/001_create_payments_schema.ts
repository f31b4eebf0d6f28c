import { type Kysely, sql } from 'kysely';
import {
  CURRENCY,
  createUpdatedAtIndex,
  MONEY,
  oneOf,
  withStandardColumns,
} from '../../kit/schema-helpers.ts';

export const PAYMENT_METHODS = [
  'card',
  'apple_pay',
  'google_pay',
  'bank_transfer',
  'cash_on_delivery',
] as const;
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('payments'))
    .addColumn('order_id', 'bigint', (c) => c.notNull())
    .addColumn('amount', MONEY, (c) => c.notNull())
    .addColumn('currency', CURRENCY, (c) => c.notNull())
    .addColumn('method', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('psp_reference', 'varchar(64)')
    .addColumn('idempotency_key', sql`varchar(64)`, (c) => c.notNull().unique())
    .addCheckConstraint('ck_payments_method', oneOf('method', PAYMENT_METHODS))
    .addCheckConstraint('ck_payments_status', oneOf('status', PAYMENT_STATUSES))
    .execute();
  await db.schema.createIndex('ix_payments_order_id').on('payments').column('order_id').execute();
  await createUpdatedAtIndex(db, 'payments');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payments').ifExists().execute();
}
