import { describe, expect, it } from 'vitest';
import { childrenCpuMs } from './constant-rate.ts';

describe('childrenCpuMs', () => {
  it("adds the children's user and system time from bash's times", () => {
    expect(childrenCpuMs('0m0.010s 0m0.002s\n1m2.500s 0m0.250s\n')).toBe(62_750);
  });

  it('refuses output it cannot read', () => {
    expect(() => childrenCpuMs('nothing')).toThrow(/cannot read the generator/);
  });
});
