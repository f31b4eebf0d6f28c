import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

/** catalog's settings: the shared ones plus these, each with a `*_FILE` form. */
export const catalogSettings = serviceSettings.extend({
  /** Port, default 7003 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7003),
  /** The catalog database, default the local MariaDB's `catalog`. */
  CATALOG_DB_URL: z
    .string()
    .default('mysql://techmarket:techmarket@127.0.0.1:3306/catalog')
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' })),
  /**
   * How long a page of the public product listing may be served from memory, in ms (0: never).
   * Writes through this catalog empty it at once; this bounds staleness after other writers.
   */
  CATALOG_LISTING_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
});
export type CatalogSettings = z.infer<typeof catalogSettings>;
