import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
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
  // The cache's hit ratio on /metrics: how much of the listing the database still serves.
  const lookups = app.hasDecorator('metrics')
    ? new Counter({
        name: 'catalog_listing_cache_lookups_total',
        help: 'Public listing requests by what the listing cache gave them: hit, stale (served while rebuilt), miss (waited for a build), off',
        labelNames: ['result'] as const,
        registers: [app.metrics],
      })
    : undefined;
  const listings = createListingCache({
    maxAgeMs: options.listingCacheMs,
    maxPages: 1000,
    onLookup: (result) => lookups?.inc({ result }),
  });
  await categoryRoutes(app, { categories, listings });
  await productRoutes(app, { products, categories, listings });
}
