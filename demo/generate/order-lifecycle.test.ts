import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../random/seeded-random.ts';
import { dayStartMicros, MICROS_PER_DAY } from '../time/timestamps.ts';
import { playOrderLifecycle } from './order-lifecycle.ts';

const ANCHOR = dayStartMicros('2025-06-15');

describe('order lifecycle', () => {
  it('stops at the anchor with timestamps that agree with the status', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 730 * 24 * 60 }), (seed, minutesBefore) => {
        const created = ANCHOR - minutesBefore * 60_000_000;
        const life = playOrderLifecycle(createRandom(seed, 'life'), created, ANCHOR);
        expect(life.updatedAt).toBeGreaterThanOrEqual(created);
        expect(life.updatedAt).toBeLessThan(ANCHOR);
        const steps = [life.paidAt, life.shippedAt, life.deliveredAt].filter((t) => t !== null) as number[];
        expect([...steps].sort((a, b) => a - b)).toEqual(steps);
        switch (life.status) {
          case 'pending_payment':
            expect(life.paidAt ?? life.cancelledAt).toBeNull();
            break;
          case 'cancelled':
            expect(life.paidAt).toBeNull();
            expect(life.cancelledAt).not.toBeNull();
            break;
          case 'paid':
            expect(life.shippedAt).toBeNull();
            break;
          case 'shipped':
            expect(life.deliveredAt).toBeNull();
            break;
          case 'delivered':
            expect(life.deliveredAt).not.toBeNull();
            break;
          case 'refunded':
            expect(life.paidAt).not.toBeNull();
            expect(life.refundedAt).not.toBeNull();
        }
      }),
    );
  });

  it('has settled every order older than a month', () => {
    const random = createRandom('old', 'life');
    for (let i = 0; i < 2000; i++) {
      const life = playOrderLifecycle(random, ANCHOR - 40 * MICROS_PER_DAY, ANCHOR);
      expect(['delivered', 'cancelled', 'refunded']).toContain(life.status);
    }
  });
});
