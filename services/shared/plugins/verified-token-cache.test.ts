import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.ts';

describe('VerifiedTokenCache', () => {
  it('serves a verified token until its exp, never past it', () => {
    const cache = new VerifiedTokenCache<string>();
    const now = 1_000_000_000_000;
    cache.set('a.b.c', 'user 1', now / 1000 + 10, now);
    expect(cache.get('a.b.c', now + 9_999)).toBe('user 1');
    expect(cache.get('a.b.c', now + 10_000)).toBeUndefined();
    expect(cache.get('a.b.c', now)).toBeUndefined();
    expect(cache.get('a.b.x', now)).toBeUndefined();
  });

  it('keeps an entry at most maxAgeMs even when the token lives longer', () => {
    const cache = new VerifiedTokenCache<string>(10, 60_000);
    const now = 1_000_000_000_000;
    cache.set('t', 'p', now / 1000 + 3600, now);
    expect(cache.get('t', now + 59_999)).toBe('p');
    expect(cache.get('t', now + 60_000)).toBeUndefined();
  });

  it('starts over when full', () => {
    const cache = new VerifiedTokenCache<number>(2);
    const now = 1_000_000_000_000;
    cache.set('1', 1, now / 1000 + 60, now);
    cache.set('2', 2, now / 1000 + 60, now);
    cache.set('3', 3, now / 1000 + 60, now);
    expect([cache.get('1', now), cache.get('2', now), cache.get('3', now)]).toEqual([
      undefined,
      undefined,
      3,
    ]);
  });
});
