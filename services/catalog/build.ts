import type { DestinationStream } from 'pino';
import { createService, openDatabase, pingDatabase } from '../shared/index.ts';
import { catalogApp } from './app.ts';
import type { CatalogDatabase } from './database.ts';
import type { CatalogSettings } from './settings.ts';

/** The catalog service, ready to listen: the shared kit, its database, its routes. */
export async function buildCatalog(
  settings: CatalogSettings,
  options: { logStream?: DestinationStream } = {},
) {
  const db = openDatabase<CatalogDatabase>(settings.CATALOG_DB_URL, {
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  const app = await createService({
    name: 'catalog',
    description: 'The category tree and the products: a public listing, writes for admin and sales managers.',
    settings,
    checkReady: () => pingDatabase(db),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  app.addHook('onClose', async () => {
    await db.destroy();
  });
  await app.register(catalogApp, { db, listingCacheMs: settings.CATALOG_LISTING_CACHE_MS });
  return app;
}
