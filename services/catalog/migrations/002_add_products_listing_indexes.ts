import type { Kysely } from 'kysely';

/**
 * One index per sort of the public listing, led by `active` (the listing's one fixed filter), so a
 * page is read in sort order and the scan stops at the page's end instead of sorting every product
 * of the subtree. Measured on 5,000 products, a 20-row page of a quarter of them by price: 9.5 ms
 * with the category index and a filesort, 3.1 ms with (active, price, id), medians of 7 interleaved
 * rounds (docs/decisions/0023-catalog-listing-query.md). The optimizer still picks the category
 * index when the subtree is small, since it sees the literal list of ids.
 *
 * No `IF NOT EXISTS`: the catalog is a CDC source, and Debezium's MySQL DDL parser cannot read
 * MariaDB's `CREATE INDEX IF NOT EXISTS` in the binlog — the statement stops every connector
 * streaming that server, whatever database it captures. The migrator runs this once anyway.
 */
const LISTING_INDEXES = {
  ix_products_active_price_id: ['active', 'price', 'id'],
  ix_products_active_name_id: ['active', 'name', 'id'],
  ix_products_active_updated_at_id: ['active', 'updated_at', 'id'],
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of Object.entries(LISTING_INDEXES)) {
    await db.schema
      .createIndex(name)
      .on('products')
      .columns([...columns])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of Object.keys(LISTING_INDEXES)) {
    await db.schema.dropIndex(name).on('products').execute();
  }
}
