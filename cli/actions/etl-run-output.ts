import { createProgress, formatCount } from '../../core/progress.ts';
import type { PipelineProgress, PipelineRunSummary } from '../../pipeline/index.ts';
import type { Output } from '../output.ts';

/** One progress line for the whole run: rows over all tables, then each transform step. */
export function progressReporter(out: Output): PipelineProgress & { finish(): void } {
  const bar = createProgress('extract', { quiet: out.json });
  const seen = new Map<string, number>();
  return {
    phase(name) {
      bar.label(name);
    },
    rows(table, rowsSoFar) {
      bar.add(rowsSoFar - (seen.get(table) ?? 0));
      seen.set(table, rowsSoFar);
    },
    step(target) {
      bar.label(`transform ${target}`);
    },
    finish() {
      bar.done();
    },
  };
}

/** Written rows of one target: staging merges report one count, models inserted/updated/deleted. */
function describeWrites(t: PipelineRunSummary['transform']['targets'][number]): string {
  if (t.target.startsWith('stg.'))
    return `${formatCount(t.merged)} merged${t.deleted ? `, ${t.deleted} deleted` : ''}`;
  return `+${formatCount(t.inserted)} ~${formatCount(t.updated)} -${formatCount(t.deleted)}`;
}

export function describeRun(summary: PipelineRunSummary): string {
  const kind = summary.transform.incremental ? 'incremental' : 'first full load';
  const rows = [
    ...summary.extracts.map((e) => ({
      step: 'extract',
      target: e.table,
      rows: `${formatCount(e.rows)} rows`,
      note: e.mode,
    })),
    ...summary.transform.targets.map((t) => ({
      step: t.target.startsWith('stg.') ? 'stage' : 'build',
      target: t.target,
      rows: describeWrites(t),
      note: `${(t.durationMs / 1000).toFixed(2)}s`,
    })),
  ];
  const width = Math.max(...rows.map((r) => r.target.length));
  return [
    `run ${summary.runId} succeeded in ${summary.seconds.toFixed(1)}s (${kind})`,
    '',
    ...rows.map((r) => `  ${r.step.padEnd(8)} ${r.target.padEnd(width)}  ${r.rows.padEnd(24)} ${r.note}`),
  ].join('\n');
}
