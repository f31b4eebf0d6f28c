import { describe, expect, it } from 'vitest';
import { formatSummary } from './summary.ts';

describe('the fault summary table', () => {
  it('pads columns, right-aligns counts and says how many passed', () => {
    const table = formatSummary([
      {
        scenario: '1. worker killed',
        fault: 'SIGKILL',
        checked: 'w = s',
        outcome: 'passed',
        rowsCompared: 12345,
      },
      {
        scenario: '2. reset',
        fault: 'reset_peer',
        checked: 'no batch left',
        outcome: 'failed',
        rowsCompared: 7,
      },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+fault\s+checked\s+outcome\s+rows compared$/);
    expect(lines[2]).toContain('12,345');
    expect(lines[3]!.endsWith('            7')).toBe(true);
    expect(lines.at(-1)).toBe('1 of 2 scenarios passed');
  });
});
