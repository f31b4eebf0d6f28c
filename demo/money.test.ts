import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, formatKopecks, parseKopecks, percentOf } from './money.ts';

describe('money in kopecks', () => {
  it('formats and parses DECIMAL(12,2) text exactly', () => {
    expect(formatKopecks(2_499_900)).toBe('24999.00');
    expect(formatKopecks(5)).toBe('0.05');
    expect(formatKopecks(-1234)).toBe('-12.34');
    fc.assert(
      fc.property(
        fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }),
        (k) => parseKopecks(formatKopecks(k)) === k,
      ),
    );
  });

  it('rounds percentages half up', () => {
    expect(percentOf(1050, 10)).toBe(105);
    expect(percentOf(1005, 10)).toBe(101);
    expect(percentOf(1004, 10)).toBe(100);
  });

  it('spreads a fixed discount over lines so the shares add up exactly and never exceed a line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 8 }),
        (amount, lines) => {
          const shares = allocateProportionally(amount, lines);
          const total = lines.reduce((s, l) => s + l, 0);
          expect(shares.reduce((s, v) => s + v, 0)).toBe(Math.min(amount, total));
          shares.forEach((share, i) => {
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(lines[i]!);
          });
        },
      ),
    );
  });
});
