import type { Kysely } from 'kysely';

/**
 * Payments by the PSP's reference: every webhook applies its totals with
 * `update payments … where psp_reference = ?`. Without this index that UPDATE scanned the whole
 * table and, under REPEATABLE READ, locked every row it read, so each webhook waited for every
 * capture in flight (and they for it) and cost more as the table grew.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('ix_payments_psp_reference').on('payments').column('psp_reference').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ix_payments_psp_reference').on('payments').execute();
}
