import { describe, expect, it } from 'vitest';
import { FAULT_PAUSE_VARIABLE, faultPauseFrom, faultPoint } from './fault-points.ts';

describe('fault points', () => {
  it('are inert unless the variable names them', async () => {
    expect(faultPauseFrom({})).toBeUndefined();
    expect(faultPauseFrom({ [FAULT_PAUSE_VARIABLE]: '' })).toBeUndefined();
    await expect(faultPoint('cdc-after-warehouse-commit', {})).resolves.toBeUndefined();
  });

  it('refuse a name that is no point, naming the variable and the points there are', () => {
    expect(() => faultPauseFrom({ [FAULT_PAUSE_VARIABLE]: 'after-lunch' })).toThrow(
      /^TECHMARKET_FAULT_PAUSE_AT: must be one of cdc-after-warehouse-commit/,
    );
  });

  it('read a valid name', () => {
    expect(faultPauseFrom({ [FAULT_PAUSE_VARIABLE]: 'cdc-after-warehouse-commit' })).toBe(
      'cdc-after-warehouse-commit',
    );
  });
});
