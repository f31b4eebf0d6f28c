import { describe, expect, it } from 'vitest';
import { minusSeconds, planExtract, watermarkAfter } from './extract-plan.ts';

const table = { lookbackSeconds: 300, detectHardDeletes: true };
const watermark = { updatedAt: '2026-11-20 10:00:00.123456', id: '42' };

describe('the extract plan', () => {
  it('reads a table without a watermark whole, by primary key, as a possible first load', () => {
    expect(planExtract({ table, kind: 'incremental', watermark: null })).toEqual({
      mode: 'full',
      since: undefined,
      upperBound: undefined,
      firstLoadIfMirrorEmpty: true,
      readSourceKeys: false,
      advancesWatermark: true,
    });
  });

  it('reads from the watermark minus the lookback window, with the source keys for deletes', () => {
    expect(planExtract({ table, kind: 'incremental', watermark })).toEqual({
      mode: 'incremental',
      since: '2026-11-20 09:55:00.123456',
      upperBound: undefined,
      firstLoadIfMirrorEmpty: false,
      readSourceKeys: true,
      advancesWatermark: true,
    });
    expect(
      planExtract({ table: { ...table, detectHardDeletes: false }, kind: 'incremental', watermark })
        .readSourceKeys,
    ).toBe(false);
  });

  it('keeps the bound an earlier attempt fixed, so a resumed extract reads what the first would have', () => {
    const earlierUpperBound = '2026-11-20 11:00:00.000000';
    expect(planExtract({ table, kind: 'incremental', watermark, earlierUpperBound }).upperBound).toBe(
      earlierUpperBound,
    );
    expect(planExtract({ table, kind: 'incremental', watermark: null, earlierUpperBound }).upperBound).toBe(
      earlierUpperBound,
    );
  });

  it('reads a backfill window (or a part of it) with the watermark left where it is', () => {
    const window = { windowFrom: '2026-11-01 00:00:00.000000', windowTo: '2026-11-01 23:59:59.999999' };
    const plan = planExtract({ table, kind: 'backfill', watermark, ...window });
    expect(plan).toEqual({
      mode: 'incremental',
      since: window.windowFrom,
      upperBound: window.windowTo,
      firstLoadIfMirrorEmpty: false,
      readSourceKeys: false,
      advancesWatermark: false,
    });
    expect(watermarkAfter(plan, watermark, { updatedAt: '2026-11-01 12:00:00.000000', id: '7' })).toBe(
      watermark,
    );
  });

  it('moves the watermark to the highest row read, and keeps it when nothing came', () => {
    const plan = planExtract({ table, kind: 'incremental', watermark });
    const highest = { updatedAt: '2026-11-20 10:30:00.000001', id: '99' };
    expect(watermarkAfter(plan, watermark, highest)).toEqual(highest);
    expect(watermarkAfter(plan, watermark, undefined)).toBe(watermark);
    expect(
      watermarkAfter(planExtract({ table, kind: 'incremental', watermark: null }), null, undefined),
    ).toBeNull();
  });

  it('subtracts seconds across midnight and keeps the microseconds', () => {
    expect(minusSeconds('2026-11-20 00:00:10.000007', 20)).toBe('2026-11-19 23:59:50.000007');
    expect(minusSeconds('2026-11-20 00:00:10', 0)).toBe('2026-11-20 00:00:10.000000');
  });
});
