import { formatSummary, readSummary, resetSummary } from './support/summary.ts';

/** Empties the fault summary before the suite and prints it, as one table, after the last scenario. */
export default function setup(): () => void {
  resetSummary();
  return () => {
    const rows = readSummary();
    if (rows.length > 0) process.stdout.write(`\nFault-injection summary\n${formatSummary(rows)}\n\n`);
  };
}
