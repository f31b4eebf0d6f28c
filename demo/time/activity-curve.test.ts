import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActivityCurve } from './activity-curve.ts';
import { dayStartMicros, formatDatetime, MICROS_PER_DAY } from './timestamps.ts';

describe('activity curve', () => {
  const curve = createActivityCurve({ startMicros: dayStartMicros('2023-06-15'), days: 730, growth: 1.6 });

  it('maps shares to rising moments inside the window', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(curve.at(lo)).toBeLessThanOrEqual(curve.at(hi));
          expect(curve.at(hi)).toBeLessThan(curve.endMicros);
          expect(curve.at(lo)).toBeGreaterThanOrEqual(curve.startMicros);
        },
      ),
    );
  });

  it('puts more activity in the second year (growth) and in the evening than at night', () => {
    // Busier later: half the orders come after the middle of the window.
    expect(curve.at(0.5)).toBeGreaterThan(curve.startMicros + 365 * MICROS_PER_DAY);
    let evening = 0;
    let night = 0;
    for (let i = 0; i < 20_000; i++) {
      const hour = Number(formatDatetime(curve.at((i + 0.5) / 20_000)).slice(11, 13));
      if (hour >= 16 && hour <= 19) evening++;
      if (hour >= 1 && hour <= 4) night++;
    }
    expect(evening).toBeGreaterThan(night * 5);
  });

  it('formats microseconds as DATETIME(6)', () => {
    expect(formatDatetime(dayStartMicros('2024-02-29') + 3_723_000_042)).toBe('2024-02-29 01:02:03.000042');
  });
});
