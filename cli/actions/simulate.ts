import { config } from '../../core/config.ts';
import { CHANGE_KINDS, type SimulateResult, simulateDays } from '../../demo/index.ts';
import type { SimulateFlags } from '../commands/simulate.ts';
import type { Output } from '../output.ts';

export async function simulate(flags: SimulateFlags, out: Output): Promise<number> {
  const result = await simulateDays(config(), { days: flags.days, seed: flags.seed, quiet: out.json });
  out.result(result, () => describe(result));
  return 0;
}

/** One line per kind that changed, with the total and the per-day figures. */
function describe(result: SimulateResult): string {
  const rows = CHANGE_KINDS.filter((kind) => result.totals[kind] > 0).map((kind) => ({
    change: kind,
    rows: result.totals[kind],
    per_day: result.days.map((d) => d.changes[kind]).join(' '),
  }));
  const days = result.days.length;
  return `${renderRows(rows)}\nsimulated ${days} day${days === 1 ? '' : 's'} in ${result.seconds}s`;
}

function renderRows(rows: { change: string; rows: number; per_day: string }[]): string {
  if (rows.length === 0) return '(no changes)';
  const width = Math.max(...rows.map((r) => r.change.length));
  const countWidth = Math.max(...rows.map((r) => String(r.rows).length));
  return rows
    .map(
      (r) =>
        `${r.change.padEnd(width)}  ${String(r.rows).padStart(countWidth)}${r.per_day.includes(' ') ? `  (${r.per_day})` : ''}`,
    )
    .join('\n');
}
