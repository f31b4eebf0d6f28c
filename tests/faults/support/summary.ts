import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../../core/paths.ts';

/**
 * The fault suite's summary table: each scenario appends one row here as it ends (passed or not);
 * the end-of-run reporter (tests/support/end-of-run-reporter.ts) prints them all. A file, not memory:
 * scenarios run in several worker processes; under the checkout, so two checkouts running the suite
 * at once keep their own.
 */
export const SUMMARY_FILE = join(REPO_ROOT, '.cache', 'faults', 'summary.jsonl');

export interface ScenarioRow {
  /** e.g. "2. PostgreSQL connection reset mid-merge" */
  scenario: string;
  /** what was broken, and how: "toxiproxy reset_peer on postgres after 64 KiB" */
  fault: string;
  /** what was compared afterwards: "warehouse = sources; no half-written batch" */
  checked: string;
  outcome: 'passed' | 'failed';
  /** rows (or events, charges…) compared by the checks */
  rowsCompared: number;
}

export function resetSummary(): void {
  rmSync(SUMMARY_FILE, { force: true });
  mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
}

export function recordScenario(row: ScenarioRow): void {
  mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
  appendFileSync(SUMMARY_FILE, `${JSON.stringify(row)}\n`);
}

/**
 * Runs one scenario's body and records its row: the body breaks something, checks the result with
 * expect(), and returns what it checked; a thrown error (a failed expect included) records "failed"
 * and is rethrown, so the test fails as usual.
 */
export async function scenario(
  meta: { scenario: string; fault: string },
  body: () => Promise<{ checked: string; rowsCompared: number }>,
): Promise<void> {
  try {
    const result = await body();
    recordScenario({ ...meta, ...result, outcome: 'passed' });
  } catch (error) {
    recordScenario({
      ...meta,
      checked: (error as Error).message.split('\n')[0] ?? '',
      outcome: 'failed',
      rowsCompared: 0,
    });
    throw error;
  }
}

export function readSummary(): ScenarioRow[] {
  let text = '';
  try {
    text = readFileSync(SUMMARY_FILE, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioRow)
    .sort((a, b) => a.scenario.localeCompare(b.scenario, 'en', { numeric: true }));
}

/** A plain-text table, columns padded to their widest cell, long cells cut. */
export function formatSummary(rows: readonly ScenarioRow[]): string {
  const header = ['scenario', 'fault', 'checked', 'outcome', 'rows compared'];
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const cells = rows.map((r) => [
    cut(r.scenario, 60),
    cut(r.fault, 50),
    cut(r.checked, 70),
    r.outcome,
    r.rowsCompared.toLocaleString('en'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  const passed = rows.filter((r) => r.outcome === 'passed').length;
  return [
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...cells.map(line),
    `${passed} of ${rows.length} scenarios passed`,
  ].join('\n');
}
