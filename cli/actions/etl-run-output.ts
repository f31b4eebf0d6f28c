import { createProgress, createStepLog, formatCount, type StepLog } from '../../core/progress.ts';
import type { PipelineProgress, PipelineRunSummary } from '../../pipeline/index.ts';
import type { Output } from '../output.ts';

/** Phases that count no rows: their steps are shown by name, without the extract's row count. */
const STEP_PHASES = new Set(['transform', 'dq']);

/**
 * The run's progress: phases that move rows (the extract, a backfill's chunks) count them over all
 * tables (one redrawn line on a terminal, a line every few seconds elsewhere); the first phase made of
 * named steps ends that count with its totals, and each step is then shown by name, so a log file
 * never prints the extract's rows under a transform step.
 */
export function progressReporter(
  out: Pick<Output, 'json'>,
  stream: NodeJS.WriteStream = process.stderr,
): PipelineProgress & { finish(): void } {
  const quiet = out.json;
  const bar = createProgress('extract', { quiet, stream });
  let counting = true;
  let steps: StepLog | undefined;
  const seen = new Map<string, number>();
  const endPhase = () => {
    if (counting) bar.done();
    counting = false;
    steps?.done();
    steps = undefined;
  };
  return {
    phase(name) {
      if (!STEP_PHASES.has(name)) {
        if (counting) bar.label(name);
        return;
      }
      endPhase();
      steps = createStepLog(name, { quiet, stream });
    },
    rows(table, rowsSoFar) {
      if (!counting) return;
      bar.add(rowsSoFar - (seen.get(table) ?? 0));
      seen.set(table, rowsSoFar);
    },
    step(target) {
      steps?.step(target);
    },
    finish() {
      endPhase();
    },
  };
}

/** Pipeline order: a table's staging (extract, then its merge or adoption) before the builds it feeds. */
const STEP_ORDER = { extract: 0, stage: 1, build: 2 } as const;

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
      step: 'extract' as const,
      target: e.table,
      rows: `${formatCount(e.rows)} rows`,
      note: e.mode,
    })),
    ...summary.transform.targets.map((t) => ({
      step: t.target.startsWith('stg.') ? ('stage' as const) : ('build' as const),
      target: t.target,
      rows: describeWrites(t),
      note: `${(t.durationMs / 1000).toFixed(2)}s`,
    })),
  ];
  // Stable: within a step kind, the order they ran in. A first load adopts its batches after the
  // builds that read them; listed with the other stage steps, before those builds.
  rows.sort((a, b) => STEP_ORDER[a.step] - STEP_ORDER[b.step]);
  const width = Math.max(...rows.map((r) => r.target.length));
  return [
    `run ${summary.runId} succeeded in ${summary.seconds.toFixed(1)}s (${kind})`,
    '',
    ...rows.map((r) => `  ${r.step.padEnd(8)} ${r.target.padEnd(width)}  ${r.rows.padEnd(24)} ${r.note}`),
  ].join('\n');
}
