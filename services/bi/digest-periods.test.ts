import { describe, expect, it } from 'vitest';
import { latestDueStarts, localClock, nextPeriod, periodContaining, periodDays } from './digest-periods.ts';

const KYIV = 'Europe/Kyiv';

describe('digest periods', () => {
  it('starts a subscription with the period containing today', () => {
    // 2026-11-19 is a Thursday
    expect(periodContaining('daily', '2026-11-19')).toBe('2026-11-19');
    expect(periodContaining('weekly', '2026-11-19')).toBe('2026-11-16');
    expect(periodContaining('weekly', '2026-11-16')).toBe('2026-11-16');
    expect(periodContaining('weekly', '2026-11-22')).toBe('2026-11-16');
    expect(periodContaining('monthly', '2026-11-19')).toBe('2026-11-01');
  });

  it('spans a day, an ISO week or a calendar month, across year ends and leap days', () => {
    expect(periodDays('daily', '2026-12-31')).toEqual({ from: '2026-12-31', to: '2026-12-31' });
    expect(periodDays('weekly', '2026-12-28')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(periodDays('monthly', '2028-02-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(nextPeriod('monthly', '2026-12-01')).toBe('2027-01-01');
  });

  it('reads the local day and hour in the business time zone', () => {
    // 22:30 UTC is already the next day in Kyiv (UTC+2 in winter)
    expect(localClock(new Date('2026-11-19T22:30:00Z'), KYIV)).toEqual({ day: '2026-11-20', hour: 0 });
  });

  it('makes a period due at the digest hour of the day after it ends', () => {
    // Friday 2026-11-20, 06:59 Kyiv: Thursday is not loaded yet; at 07:00 it is
    const before = latestDueStarts(new Date('2026-11-20T04:59:00Z'), KYIV, 7);
    const after = latestDueStarts(new Date('2026-11-20T05:00:00Z'), KYIV, 7);
    expect(before.daily).toBe('2026-11-18');
    expect(after.daily).toBe('2026-11-19');
    // the week of Monday 2026-11-16 ends on Sunday the 22nd: due on Monday the 23rd at 07:00
    expect(after.weekly < '2026-11-16').toBe(true);
    expect(latestDueStarts(new Date('2026-11-23T05:00:00Z'), KYIV, 7).weekly).toBe('2026-11-16');
    // November is due on 1 December at 07:00, not on 30 November
    expect(latestDueStarts(new Date('2026-11-30T10:00:00Z'), KYIV, 7).monthly).toBe('2026-10-01');
    expect(latestDueStarts(new Date('2026-12-01T05:00:00Z'), KYIV, 7).monthly).toBe('2026-11-01');
  });
});
