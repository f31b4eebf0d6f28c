import type { Kysely } from 'kysely';

/** Whose notification it is (the auth account), so a customer reads only their own. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('user_id', 'bigint').execute();
  await db.schema
    .createIndex('ix_notifications_user_id')
    .on('notifications')
    .columns(['user_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ix_notifications_user_id').on('notifications').execute();
  await db.schema.alterTable('notifications').dropColumn('user_id').execute();
}
