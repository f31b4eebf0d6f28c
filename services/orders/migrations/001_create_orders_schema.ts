import { type Kysely, sql } from 'kysely';
import {
  CURRENCY,
  createUpdatedAtIndex,
  MONEY,
  oneOf,
  withStandardColumns,
} from '../../kit/schema-helpers.ts';

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('regions'))
    .addColumn('code', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await withStandardColumns(db.schema.createTable('employees'))
    .addColumn('full_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('position', 'varchar(64)', (c) => c.notNull().defaultTo('sales_manager'))
    .addColumn('region_id', 'bigint', (c) => c.notNull().references('regions.id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await withStandardColumns(db.schema.createTable('customers'))
    .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('full_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('phone', 'varchar(32)')
    .addColumn('city', 'varchar(100)')
    .addColumn('region_id', 'bigint', (c) => c.notNull().references('regions.id'))
    .addColumn('manager_id', 'bigint', (c) => c.references('employees.id'))
    .execute();
  await withStandardColumns(db.schema.createTable('discounts'))
    .addColumn('code', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('value', MONEY, (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('valid_from', sql`datetime(6)`)
    .addColumn('valid_to', sql`datetime(6)`)
    .addCheckConstraint('ck_discounts_kind', oneOf('kind', ['percent', 'fixed']))
    .execute();
  await withStandardColumns(db.schema.createTable('orders'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('employee_id', 'bigint', (c) => c.references('employees.id'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('pending_payment'))
    .addColumn('currency', CURRENCY, (c) => c.notNull().defaultTo('UAH'))
    .addColumn('discount_id', 'bigint', (c) => c.references('discounts.id'))
    .addColumn('subtotal_amount', MONEY, (c) => c.notNull())
    .addColumn('discount_amount', MONEY, (c) => c.notNull().defaultTo(0))
    .addColumn('total_amount', MONEY, (c) => c.notNull())
    .addColumn('paid_at', sql`datetime(6)`)
    .addColumn('shipped_at', sql`datetime(6)`)
    .addColumn('delivered_at', sql`datetime(6)`)
    .addColumn('cancelled_at', sql`datetime(6)`)
    .addCheckConstraint('ck_orders_status', oneOf('status', ORDER_STATUSES))
    .execute();
  await withStandardColumns(db.schema.createTable('order_items'))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id'))
    .addColumn('product_id', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', MONEY, (c) => c.notNull())
    .addColumn('discount_amount', MONEY, (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('ck_order_items_quantity', sql`quantity > 0`)
    .execute();
  await withStandardColumns(db.schema.createTable('outbox'))
    .addColumn('event_id', sql`char(36)`, (c) => c.notNull().unique())
    .addColumn('aggregate_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('aggregate_id', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'json', (c) => c.notNull())
    .addColumn('published_at', sql`datetime(6)`)
    .execute();
  await db.schema.createIndex('ix_order_items_product_id').on('order_items').column('product_id').execute();
  await db.schema.createIndex('ix_outbox_unpublished').on('outbox').columns(['published_at', 'id']).execute();
  for (const table of ['regions', 'employees', 'customers', 'discounts', 'orders', 'order_items', 'outbox']) {
    await createUpdatedAtIndex(db, table);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox', 'order_items', 'orders', 'discounts', 'customers', 'employees', 'regions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
