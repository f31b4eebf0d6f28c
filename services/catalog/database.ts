import type { ColumnType, Generated } from 'kysely';

type Timestamps = {
  id: Generated<string>;
  created_at: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<string, string | undefined, never>;
};

/** The catalog database as kysely sees it (migrations in ./migrations; docs/db/catalog.dbml). */
export interface CatalogDatabase {
  categories: Timestamps & { parent_id: string | null; name: string; slug: string };
  products: Timestamps & {
    sku: string;
    name: string;
    description: string | null;
    category_id: string;
    price: string;
    currency: string;
    active: ColumnType<number, number | undefined, number>;
  };
}
