import { LRUCache } from 'lru-cache';

/**
 * Pages of the public product listing kept for a moment: the listing is the shop's hottest read, and
 * most of its requests ask for the same first pages. A page is built once; requests for a key that is
 * being built wait for that build instead of querying again. From a random age between 70% and 90% of
 * `maxAgeMs` a request gets the page it asked for at once while one rebuild runs behind it (stale
 * while revalidate); past `maxAgeMs` nobody gets it, the request waits for a new build. The random
 * age spreads the rebuilds out: pages first built together (a cold start) would otherwise all expire
 * together every period, and their rebuilds would queue every request behind them (the listing's p99
 * was 14.7 ms with such synchronised expiries, 2.8 ms without rebuilds).
 * A write through this catalog empties the cache (and a build in flight then is not kept), so its
 * writer reads its own write; `maxAgeMs` bounds how stale a page can be after a write that did not
 * come through this process (another instance, the demo simulator writing to MariaDB). 0 turns it off.
 * docs/decisions/0034-constant-arrival-rate-load.md says why and what it saves.
 */
export interface ListingCache<Page = string> {
  /** The page for `key`, from the cache or from `build` (called once for concurrent misses). */
  page(key: string, build: () => Promise<Page>): Promise<Page>;
  /** Forgets every page: after a write that may change any listing. */
  clear(): void;
}

interface Built<Page> {
  page: Page;
  /** When its build began: its data is at least that fresh. */
  startedAt: number;
}

/**
 * What a request got: `hit` a kept page, `stale` a kept page past its refresh age (a rebuild runs
 * behind it), `miss` it waited for a build (its own or another request's); `off` the cache is off.
 */
export type ListingLookup = 'hit' | 'stale' | 'miss' | 'off';

export function createListingCache<Page extends {} = string>(options: {
  maxAgeMs: number;
  maxPages: number;
  /** Called once per request with what it got, for the service's metrics. */
  onLookup?: (lookup: ListingLookup) => void;
  /** For tests: the draw of each page's refresh age, and the clock (ms). */
  random?: () => number;
  now?: () => number;
}): ListingCache<Page> {
  const { maxAgeMs, maxPages, onLookup = () => {}, random = Math.random } = options;
  const now = options.now ?? (() => performance.now());
  if (maxAgeMs <= 0) {
    return {
      page: (_key, build) => {
        onLookup('off');
        return build();
      },
      clear: () => {},
    };
  }
  const pages = new LRUCache<string, Built<Page>, () => Promise<Page>>({
    max: maxPages,
    // The refresh age, drawn per page (fetch's `ttl` below); past it lru-cache calls fetchMethod.
    ttl: maxAgeMs,
    noDeleteOnStaleGet: true,
    // Its own reading of the clock, every time: lru-cache's default reuses one reading for 1 ms.
    perf: { now },
    ttlResolution: 0,
    fetchMethod: async (_key, _stale, { context }) => {
      const startedAt = now();
      return { page: await context(), startedAt };
    },
  });
  // clear() aborts the builds in flight (lru-cache then rejects their callers and stores nothing):
  // those began before the write, so their callers build again, after it.
  let clears = 0;
  return {
    async page(key, build) {
      const clearsBefore = clears;
      const held = pages.peek(key, { allowStale: true });
      const servable = held !== undefined && now() - held.startedAt < maxAgeMs;
      const status: LRUCache.Status<string, Built<Page>, () => Promise<Page>> = {};
      try {
        const fetching = pages.fetch(key, {
          context: build,
          ttl: Math.round(maxAgeMs * (0.7 + 0.2 * random())),
          allowStale: servable,
          status,
        });
        onLookup(status.fetch === 'hit' ? 'hit' : status.returnedStale ? 'stale' : 'miss');
        const built = await fetching;
        if (built !== undefined) return built.page;
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
