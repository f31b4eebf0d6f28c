import type { Migration } from 'kysely';
import * as m001 from './001_create_catalog_schema.ts';
import * as m002 from './002_add_products_listing_indexes.ts';

/** Migrations of the catalog database, in order; names are recorded by kysely's Migrator. */
export const CATALOG_MIGRATIONS: Record<string, Migration> = {
  '001_create_catalog_schema': m001,
  '002_add_products_listing_indexes': m002,
};
