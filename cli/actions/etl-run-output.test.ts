import { describe, expect, it } from 'vitest';
import type { PipelineRunSummary } from '../../pipeline/index.ts';
import { describeRun, progressReporter } from './etl-run-output.ts';

/** A log file: not a terminal, every write kept. */
function logFile() {
  const lines: string[] = [];
  const stream = {
    isTTY: false,
    write: (text: string) => lines.push(text) === 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => lines.join('') };
}

describe('etl run output', () => {
  it('prints the extract totals once, then each transform step by name without row counts', () => {
    const log = logFile();
    const progress = progressReporter({ json: false }, log.stream);
    progress.phase('extract');
    progress.rows('orders.orders', 400_000);
    progress.rows('orders.order_items', 171_800);
    progress.phase('transform');
    progress.step('stg orders.regions');
    progress.step('dim_region');
    progress.finish();
    const lines = log.text().trimEnd().split('\n');
    const first = lines.findIndex((line) => line.startsWith('transform'));
    expect(lines[first - 1]).toMatch(/^extract {2}571\.8k rows {2}/);
    expect(lines.slice(first)).toEqual([
      'transform stg orders.regions',
      'transform dim_region',
      expect.stringMatching(/^transform done {2}\d+\.\ds$/),
    ]);
  });

  it('lists the run in pipeline order: extracts, staging, then the builds they feed', () => {
    const target = (name: string, merged: number) => ({
      target: name,
      inserted: merged,
      updated: 0,
      deleted: 0,
      merged,
      durationMs: 10,
    });
    const summary: PipelineRunSummary = {
      runId: 1,
      seconds: 1,
      extracts: [
        {
          table: 'orders.regions',
          mode: 'full',
          rows: 3,
          resumed: false,
          watermarkBefore: null,
          watermarkAfter: null,
        },
      ],
      // a first load adopts its batch after the builds that read it
      transform: {
        incremental: false,
        targets: [target('dwh.dim_region', 3), target('stg.orders.regions', 3)],
      },
    };
    const steps = describeRun(summary)
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/).slice(0, 2).join(' '));
    expect(steps).toEqual(['extract orders.regions', 'stage stg.orders.regions', 'build dwh.dim_region']);
  });
});
