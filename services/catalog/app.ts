import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { CatalogDatabase } from './database.ts';
import { createListingCache } from './listing-cache.ts';
import { createCategoriesRepository } from './repositories/categories-repository.ts';
import { createProductsRepository } from './repositories/products-repository.ts';
import { categoryRoutes } from './routes/categories.ts';
import { productRoutes } from './routes/products.ts';

/** The catalog app as a plugin (fastify/demo): its routes on top of the shared kit. */
export async function catalogApp(
  app: FastifyInstance,
  options: { db: Kysely<CatalogDatabase>; listingCacheMs: number },
): Promise<void> {
  const categories = createCategoriesRepository(options.db);
  const products = createProductsRepository(options.db);
  const listings = createListingCache({ maxAgeMs: options.listingCacheMs, maxPages: 1000 });
  await categoryRoutes(app, { categories, listings });
  await productRoutes(app, { products, categories, listings });
}
