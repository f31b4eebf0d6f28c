import { describe, expect, it } from 'vitest';
import { localTime } from './local-time.ts';

describe('localTime', () => {
  it('shows a UTC moment as the wall clock of the zone, across daylight saving', () => {
    expect(localTime(new Date('2026-12-05T00:00:00Z'), 'Europe/Kyiv')).toBe('2026-12-05 02:00');
    expect(localTime(new Date('2026-07-04T23:00:00Z'), 'Europe/Kyiv')).toBe('2026-07-05 02:00');
    expect(localTime(new Date('2026-07-04T23:00:00Z'), 'UTC')).toBe('2026-07-04 23:00');
  });
});
