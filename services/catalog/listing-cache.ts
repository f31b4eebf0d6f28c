import { LRUCache } from 'lru-cache';

/**
 * Pages of the public product listing kept for a moment: the listing is the shop's hottest read, and
 * most of its requests ask for the same first pages. A page is built once per key and `ttlMs`;
 * requests for a key that is being built wait for that build instead of querying again. A write
 * through this catalog empties the cache (and a build in flight then is not kept), so its writer
 * reads its own write; `ttlMs` bounds how stale a page can be after a write that did not come through
 * this process (another instance, the demo simulator writing to MariaDB). `ttlMs` 0 turns it off.
 * docs/decisions/0034-constant-arrival-rate-load.md says why and what it saves.
 */
export interface ListingCache<Page> {
  /** The page for `key`, from the cache or from `build` (called once for concurrent misses). */
  page(key: string, build: () => Promise<Page>): Promise<Page>;
  /** Forgets every page: after a write that may change any listing. */
  clear(): void;
}

export function createListingCache<Page extends object>(options: {
  ttlMs: number;
  maxPages: number;
}): ListingCache<Page> {
  if (options.ttlMs <= 0) {
    return { page: (_key, build) => build(), clear: () => {} };
  }
  const pages = new LRUCache<string, Page, () => Promise<Page>>({
    max: options.maxPages,
    ttl: options.ttlMs,
    fetchMethod: (_key, _stale, { context }) => context(),
  });
  // clear() aborts the builds in flight (lru-cache then rejects their callers and stores nothing):
  // those began before the write, so their callers build again, after it.
  let clears = 0;
  return {
    async page(key, build) {
      const clearsBefore = clears;
      try {
        const page = await pages.fetch(key, { context: build });
        if (page !== undefined) return page;
      } catch (error) {
        if (clears === clearsBefore) throw error;
      }
      return build();
    },
    clear: () => {
      clears++;
      pages.clear();
    },
  };
}
