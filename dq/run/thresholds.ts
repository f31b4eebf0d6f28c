/** The count thresholds of a rule: at most `max_failing` failing rows, or at least `mostly` passing. */
export interface CountThreshold {
  max_failing?: number;
  mostly?: number;
}

export interface ThresholdVerdict {
  passed: boolean;
  threshold: string;
}

export function judgeCount(rule: CountThreshold, failing: number, total: number | null): ThresholdVerdict {
  if (rule.mostly !== undefined) {
    const passingShare = total === null || total === 0 ? 1 : (total - failing) / total;
    return { passed: passingShare >= rule.mostly, threshold: `mostly ${rule.mostly}` };
  }
  const max = rule.max_failing ?? 0;
  return { passed: failing <= max, threshold: `max_failing ${max}` };
}

/** "3 of 1,204 rows" */
export function describeCount(failing: number, total: number | null, unit = 'rows'): string {
  const format = (n: number) => n.toLocaleString('en-US');
  return total === null ? `${format(failing)} ${unit}` : `${format(failing)} of ${format(total)} ${unit}`;
}
