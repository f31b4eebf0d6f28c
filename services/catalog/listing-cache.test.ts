import { describe, expect, it } from 'vitest';
import { createListingCache } from './listing-cache.ts';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createListingCache', () => {
  it('builds a page once for concurrent and later requests of the same key', async () => {
    const cache = createListingCache<{ n: number }>({ maxAgeMs: 60_000, maxPages: 10 });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    const pages = await Promise.all([cache.page('a', build), cache.page('a', build)]);
    expect(pages).toEqual([{ n: 1 }, { n: 1 }]);
    expect(await cache.page('a', build)).toEqual({ n: 1 });
    expect(await cache.page('b', build)).toEqual({ n: 2 });
  });

  it('builds again after clear(), and a build in flight during clear() is neither kept nor returned', async () => {
    const cache = createListingCache<{ v: string }>({ maxAgeMs: 60_000, maxPages: 10 });
    const slow = deferred<{ v: string }>();
    let calls = 0;
    const waiting = cache.page('a', () => (++calls === 1 ? slow.promise : Promise.resolve({ v: 'after' })));
    cache.clear(); // a write committed while the first build was reading
    slow.resolve({ v: 'before' });
    expect(await waiting).toEqual({ v: 'after' });
    expect(await cache.page('a', async () => ({ v: 'third' }))).toEqual({ v: 'third' });
  });

  it('past its refresh age serves the page at once while one rebuild runs; past maxAgeMs waits for a new build', async () => {
    // random() 0.5: the refresh age is 80% of maxAgeMs, 800 ms here.
    const lookups: string[] = [];
    let clock = 1000; // not 0: lru-cache reads a start time of 0 as "no ttl"
    const cache = createListingCache<{ n: number }>({
      maxAgeMs: 1000,
      maxPages: 10,
      random: () => 0.5,
      now: () => clock,
      onLookup: (lookup) => lookups.push(lookup),
    });
    let builds = 0;
    const rebuild = deferred<void>();
    const build = async () => {
      const n = ++builds;
      if (n === 2) await rebuild.promise;
      return { n };
    };
    expect(await cache.page('a', build)).toEqual({ n: 1 });
    clock += 820;
    // Stale but servable: the old page at once, the rebuild behind it, built once for both.
    expect(await cache.page('a', build)).toEqual({ n: 1 });
    expect(await cache.page('a', build)).toEqual({ n: 1 });
    expect(builds).toBe(2);
    rebuild.resolve();
    await sleep(5);
    expect(await cache.page('a', build)).toEqual({ n: 2 });
    // Unasked for longer than maxAgeMs: not served, the caller gets a new build.
    clock += 1050;
    expect(await cache.page('a', build)).toEqual({ n: 3 });
    expect(lookups).toEqual(['miss', 'stale', 'stale', 'hit', 'miss']);
  });

  it('draws each page its own refresh age between 70% and 90% of maxAgeMs', async () => {
    const draws = [0, 1];
    let clock = 1000; // not 0: lru-cache reads a start time of 0 as "no ttl"
    const cache = createListingCache<{ n: number }>({
      maxAgeMs: 1000,
      maxPages: 10,
      random: () => draws.shift() ?? 0.5,
      now: () => clock,
    });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    await cache.page('early', build); // refreshes from 700 ms
    await cache.page('late', build); // from 900 ms
    clock += 760;
    await cache.page('early', build);
    await cache.page('late', build);
    expect(builds).toBe(3);
  });

  it('passes a failed build on to its callers and keeps nothing', async () => {
    const cache = createListingCache<{ n: number }>({ maxAgeMs: 60_000, maxPages: 10 });
    await expect(cache.page('a', () => Promise.reject(new Error('database gone')))).rejects.toThrow(
      'database gone',
    );
    expect(await cache.page('a', async () => ({ n: 1 }))).toEqual({ n: 1 });
  });

  it('with maxAgeMs 0 builds every time', async () => {
    const lookups: string[] = [];
    const cache = createListingCache<{ n: number }>({
      maxAgeMs: 0,
      maxPages: 10,
      onLookup: (lookup) => lookups.push(lookup),
    });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    await cache.page('a', build);
    expect(await cache.page('a', build)).toEqual({ n: 2 });
    expect(lookups).toEqual(['off', 'off']);
  });
});
