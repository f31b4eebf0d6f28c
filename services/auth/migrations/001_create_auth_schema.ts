import { type Kysely, sql } from 'kysely';
import { createUpdatedAtIndex, oneOf, withStandardColumns } from '../../kit/schema-helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('users'))
    .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('full_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('active'))
    .addCheckConstraint('ck_users_status', oneOf('status', ['active', 'locked', 'deleted']))
    .execute();
  await withStandardColumns(db.schema.createTable('roles'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('description', 'varchar(255)')
    .execute();
  await withStandardColumns(db.schema.createTable('user_roles'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('role_id', 'bigint', (c) => c.notNull().references('roles.id'))
    .addUniqueConstraint('uq_user_roles', ['user_id', 'role_id'])
    .execute();
  await withStandardColumns(db.schema.createTable('refresh_tokens'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', sql`char(64)`, (c) => c.notNull().unique())
    .addColumn('expires_at', sql`datetime(6)`, (c) => c.notNull())
    .addColumn('revoked_at', sql`datetime(6)`)
    .execute();
  await withStandardColumns(db.schema.createTable('password_resets'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', sql`char(64)`, (c) => c.notNull().unique())
    .addColumn('expires_at', sql`datetime(6)`, (c) => c.notNull())
    .addColumn('used_at', sql`datetime(6)`)
    .execute();
  await withStandardColumns(db.schema.createTable('login_audit'))
    .addColumn('user_id', 'bigint')
    .addColumn('email', 'varchar(255)', (c) => c.notNull())
    .addColumn('success', 'boolean', (c) => c.notNull())
    .addColumn('ip', 'varchar(45)')
    .addColumn('user_agent', 'varchar(500)')
    .execute();
  for (const table of ['users', 'roles', 'user_roles', 'refresh_tokens', 'password_resets', 'login_audit']) {
    await createUpdatedAtIndex(db, table);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['login_audit', 'password_resets', 'refresh_tokens', 'user_roles', 'roles', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
