import type { Kysely } from 'kysely';
import { CURRENCY, createUpdatedAtIndex, MONEY, withStandardColumns } from '../../kit/schema-helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('categories'))
    .addColumn('parent_id', 'bigint', (c) => c.references('categories.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .execute();
  await withStandardColumns(db.schema.createTable('products'))
    .addColumn('sku', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('category_id', 'bigint', (c) => c.notNull().references('categories.id'))
    .addColumn('price', MONEY, (c) => c.notNull())
    .addColumn('currency', CURRENCY, (c) => c.notNull().defaultTo('UAH'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  for (const table of ['categories', 'products']) await createUpdatedAtIndex(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('products').ifExists().execute();
  await db.schema.dropTable('categories').ifExists().execute();
}
