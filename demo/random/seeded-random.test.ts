import { describe, expect, it } from 'vitest';
import { createRandom } from './seeded-random.ts';

describe('seeded random streams', () => {
  it('repeat exactly for the same seed and stream, and differ otherwise', () => {
    const draw = (seed: string, stream: string) => {
      const r = createRandom(seed, stream);
      return Array.from({ length: 50 }, () => r.next());
    };
    expect(draw('1', 'orders')).toEqual(draw('1', 'orders'));
    expect(draw('1', 'orders')).not.toEqual(draw('2', 'orders'));
    expect(draw('1', 'orders')).not.toEqual(draw('1', 'customers'));
  });

  it('draws within bounds and roughly evenly', () => {
    const r = createRandom('bounds', 'test');
    const buckets = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = r.int(0, 9);
      if (v < 0 || v > 9) outside++;
      else buckets[v]++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(600);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
