import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

/**
 * The columns every source table carries (DESIGN.md 3.2): a BIGINT key and UTC timestamps with
 * microseconds, `updated_at` kept by the database itself so no writer can forget it.
 */
export function withStandardColumns<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'id' | 'created_at' | 'updated_at'> {
  return table
    .addColumn('id', 'bigint', (c) => c.primaryKey().autoIncrement())
    .addColumn('created_at', sql`datetime(6)`, (c) => c.notNull().defaultTo(sql`current_timestamp(6)`))
    .addColumn('updated_at', sql`datetime(6)`, (c) =>
      c.notNull().defaultTo(sql`current_timestamp(6)`).modifyEnd(sql`on update current_timestamp(6)`),
    );
}

/** The (updated_at, id) index the ETL's keyset extract walks; every source table has one. */
export async function createUpdatedAtIndex(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.createIndex(`ix_${table}_updated_at_id`).on(table).columns(['updated_at', 'id']).execute();
}

export const MONEY = sql`decimal(12,2)`;
export const CURRENCY = sql`char(3)`;

/** An enum-like text column: portable between MySQL 8 and MariaDB, checked by the database. */
export function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
