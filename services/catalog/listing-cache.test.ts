import { describe, expect, it } from 'vitest';
import { createListingCache } from './listing-cache.ts';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('createListingCache', () => {
  it('builds a page once for concurrent and later requests of the same key', async () => {
    const cache = createListingCache<{ n: number }>({ ttlMs: 60_000, maxPages: 10 });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    const pages = await Promise.all([cache.page('a', build), cache.page('a', build)]);
    expect(pages).toEqual([{ n: 1 }, { n: 1 }]);
    expect(await cache.page('a', build)).toEqual({ n: 1 });
    expect(await cache.page('b', build)).toEqual({ n: 2 });
  });

  it('builds again after clear(), and a build in flight during clear() is neither kept nor returned', async () => {
    const cache = createListingCache<{ v: string }>({ ttlMs: 60_000, maxPages: 10 });
    const slow = deferred<{ v: string }>();
    let calls = 0;
    const waiting = cache.page('a', () => (++calls === 1 ? slow.promise : Promise.resolve({ v: 'after' })));
    cache.clear(); // a write committed while the first build was reading
    slow.resolve({ v: 'before' });
    expect(await waiting).toEqual({ v: 'after' });
    expect(await cache.page('a', async () => ({ v: 'third' }))).toEqual({ v: 'third' });
  });

  it('expires pages after ttlMs', async () => {
    const cache = createListingCache<{ n: number }>({ ttlMs: 20, maxPages: 10 });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    await cache.page('a', build);
    await new Promise((r) => setTimeout(r, 40));
    expect(await cache.page('a', build)).toEqual({ n: 2 });
  });

  it('passes a failed build on to its callers and keeps nothing', async () => {
    const cache = createListingCache<{ n: number }>({ ttlMs: 60_000, maxPages: 10 });
    await expect(cache.page('a', () => Promise.reject(new Error('database gone')))).rejects.toThrow(
      'database gone',
    );
    expect(await cache.page('a', async () => ({ n: 1 }))).toEqual({ n: 1 });
  });

  it('with ttlMs 0 builds every time', async () => {
    const cache = createListingCache<{ n: number }>({ ttlMs: 0, maxPages: 10 });
    let builds = 0;
    const build = async () => ({ n: ++builds });
    await cache.page('a', build);
    expect(await cache.page('a', build)).toEqual({ n: 2 });
  });
});
