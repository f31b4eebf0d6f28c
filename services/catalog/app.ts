import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { CatalogDatabase } from './database.ts';
import { createCategoriesRepository } from './repositories/categories-repository.ts';
import { createProductsRepository } from './repositories/products-repository.ts';
import { categoryRoutes } from './routes/categories.ts';
import { productRoutes } from './routes/products.ts';

/** The catalog app as a plugin (fastify/demo): its routes on top of the shared kit. */
export async function catalogApp(
  app: FastifyInstance,
  options: { db: Kysely<CatalogDatabase> },
): Promise<void> {
  const categories = createCategoriesRepository(options.db);
  const products = createProductsRepository(options.db);
  await categoryRoutes(app, categories);
  await productRoutes(app, { products, categories });
}
