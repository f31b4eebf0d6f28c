import { describe, expect, it } from 'vitest';
import { allocate, fromCents, toCents } from './money.ts';

describe('money in cents', () => {
  it('round-trips decimal text exactly', () => {
    for (const text of ['0.00', '0.05', '12.30', '1299.99', '9999999999.99']) {
      expect(fromCents(toCents(text))).toBe(text);
    }
    expect(toCents('12.3')).toBe(1230);
  });

  it('allocates a discount over lines to the cent, never above a line', () => {
    const lines = [1999, 3333, 1];
    const shares = allocate(1000, lines);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const [i, share] of shares.entries()) expect(share).toBeLessThanOrEqual(lines[i]!);
    expect(allocate(0, lines)).toEqual([0, 0, 0]);
  });
});
