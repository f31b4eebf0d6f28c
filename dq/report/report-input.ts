import type { DqResult } from '../run/dq-result.ts';

/** What a report shows: one DQ run's results (stored, or just checked). */
export interface ReportInput {
  dqRunId: number;
  etlRunId: number | null;
  checkedAt?: string;
  results: readonly DqResult[];
}

/** Failures first, then warnings, errors of the checks themselves, passes; by name within. */
export const STATUS_ORDER = { fail: 0, error: 1, warn: 2, pass: 3 } as const;

export function orderedResults(results: readonly DqResult[]): DqResult[] {
  return [...results].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.ruleName.localeCompare(b.ruleName),
  );
}

export function formatObserved(result: DqResult): string {
  if (result.observedValue === null) return '-';
  if (result.ruleType === 'freshness') return `${result.observedValue}s old`;
  return result.totalCount === null
    ? String(result.observedValue)
    : `${result.observedValue} / ${result.totalCount}`;
}

/**
 * Sample rows come back from jsonb with their keys sorted by length; people read them better with
 * the problem first, then the keys, then the other columns.
 */
export function sampleColumns(rows: readonly Record<string, unknown>[]): string[] {
  const rank = (column: string) => (column.startsWith('_dq_') ? 0 : /(_id|_key|^day)$/.test(column) ? 1 : 2);
  return [...new Set(rows.flatMap((row) => Object.keys(row)))].sort((a, b) => rank(a) - rank(b));
}

/** The rows with their keys in `sampleColumns` order, for plain-text tables. */
export function orderedSampleRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const columns = sampleColumns(rows);
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
}
