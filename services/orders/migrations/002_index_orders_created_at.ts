import type { Kysely } from 'kysely';

/**
 * Orders by creation time: the data-quality reconciliation after an incremental run aggregates only
 * the local business days the run touched, as created_at ranges, instead of every order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('ix_orders_created_at').on('orders').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ix_orders_created_at').on('orders').execute();
}
