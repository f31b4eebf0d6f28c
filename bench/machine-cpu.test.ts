import { describe, expect, it } from 'vitest';
import { machineBusySeconds } from './machine-cpu.ts';

describe('machineBusySeconds', () => {
  it('adds every busy kind of time and leaves idle and iowait out', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(machineBusySeconds('cpu  1000 10 200 99999 500 5 15 20 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n')).toBe(
      12.5,
    );
  });

  it('refuses a file without the CPU line', () => {
    expect(() => machineBusySeconds('intr 1 2 3\n')).toThrow(/CPU line/);
  });
});
