import { resetSummary } from './support/summary.ts';

/**
 * Empties the fault summary before the suite; tests/support/end-of-run-reporter.ts prints it, as one
 * table, after the last scenario.
 */
export default function setup(): void {
  resetSummary();
}
