import { describe, expect, it } from 'vitest';
import { windowMayChangeWhileRead } from './extract-window-part.ts';

const ms = (utc: string) => Date.parse(`${utc.replace(' ', 'T')}Z`);

describe('whether a backfill window can change while its parts read it', () => {
  it('not when it ends before the run began, less the safety lag and five minutes for the clocks', () => {
    const began = ms('2026-12-06 10:00:00');
    expect(windowMayChangeWhileRead('2026-11-30 23:59:59.999999', began, 1)).toBe(false);
    expect(windowMayChangeWhileRead('2026-12-06 09:54:58.999999', began, 1)).toBe(false);
  });

  it('when it reaches into that margin or past the start: its batch must be deduplicated', () => {
    const began = ms('2026-12-06 10:00:00');
    expect(windowMayChangeWhileRead('2026-12-06 09:54:59.000000', began, 1)).toBe(true);
    expect(windowMayChangeWhileRead('2026-12-06 09:59:00.000000', began, 1)).toBe(true);
    expect(windowMayChangeWhileRead('2026-12-06 23:59:59.999999', began, 1)).toBe(true);
    // A longer safety lag widens the margin.
    expect(windowMayChangeWhileRead('2026-12-06 09:50:00.000000', began, 600)).toBe(true);
  });

  it('takes the microseconds of the window end as they are (no rounding up into the margin)', () => {
    const began = ms('2026-12-06 10:05:01');
    expect(windowMayChangeWhileRead('2026-12-06 09:59:59.999999', began, 1)).toBe(false);
  });
});
