import { z } from 'zod';
import { config } from '../../core/config.ts';
import { createProgress, formatCount } from '../../core/progress.ts';
import {
  createPipelineDeps,
  etlStatus,
  type PipelineProgress,
  type PipelineRunSummary,
  qualifiedName,
  runPipeline,
  selectSourceTables,
} from '../../pipeline/index.ts';
import { resetWatermark } from '../../warehouse/index.ts';
import { defineCommand } from '../command.ts';
import type { Output } from '../output.ts';

const tablesSchema = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** One progress line for the whole run: rows over all tables, then each transform step. */
function progressReporter(out: Output): PipelineProgress & { finish(): void } {
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

function describeRun(summary: PipelineRunSummary): string {
  const lines = [
    `run ${summary.runId} succeeded in ${summary.seconds.toFixed(1)}s (${summary.transform.incremental ? 'incremental' : 'first full load'})`,
    '',
  ];
  const rows = [
    ...summary.extracts.map((e) => ({
      step: 'extract',
      target: e.table,
      rows: formatCount(e.rows),
      mode: e.mode,
    })),
    ...summary.transform.targets.map((t) => ({
      step: 'merge',
      target: t.target,
      rows: `+${t.inserted} ~${t.updated} -${t.deleted}${t.target.startsWith('stg.') ? ` (${t.merged} merged)` : ''}`,
      mode: `${(t.durationMs / 1000).toFixed(2)}s`,
    })),
  ];
  const width = Math.max(...rows.map((r) => r.target.length));
  for (const r of rows)
    lines.push(`  ${r.step.padEnd(8)} ${r.target.padEnd(width)}  ${r.rows.padEnd(22)} ${r.mode}`);
  return lines.join('\n');
}

async function runLocally(
  out: Output,
  request: { tables: string[]; kind: 'incremental' | 'backfill'; windowFrom?: string; windowTo?: string },
): Promise<number> {
  const deps = createPipelineDeps(config());
  const progress = progressReporter(out);
  try {
    const summary = await runPipeline(
      deps,
      {
        tables: selectSourceTables(request.tables),
        kind: request.kind,
        trigger: 'cli',
        windowFrom: request.windowFrom,
        windowTo: request.windowTo,
      },
      progress,
    );
    progress.finish();
    out.result(summary, () => describeRun(summary));
    return 0;
  } finally {
    await deps.close();
  }
}

export const etlRunCommand = defineCommand({
  words: ['etl', 'run'],
  summary: 'one incremental pipeline run: extract past the watermarks, stage, build dimensions and facts',
  flags: { tables: { type: 'string' }, local: { type: 'boolean' } },
  flagHelp: [
    '--tables a,b    only these source tables (e.g. orders.orders,catalog.products)',
    '--local         run in this process instead of through Temporal',
  ],
  schema: z.object({ tables: tablesSchema, local: z.boolean().optional() }),
  async run(flags, out) {
    return runLocally(out, { tables: flags.tables, kind: 'incremental' });
  },
});

export const etlBackfillCommand = defineCommand({
  words: ['etl', 'backfill'],
  summary: 're-read source rows changed between two dates and merge them again (watermarks untouched)',
  flags: {
    from: { type: 'string' },
    to: { type: 'string' },
    tables: { type: 'string' },
    local: { type: 'boolean' },
  },
  flagHelp: [
    '--from D        first day (YYYY-MM-DD, UTC), inclusive',
    '--to D          last day (YYYY-MM-DD, UTC), inclusive',
    '--tables a,b    only these source tables',
    '--local         run in this process instead of through Temporal',
  ],
  schema: z
    .object({ from: dateSchema, to: dateSchema, tables: tablesSchema, local: z.boolean().optional() })
    .refine((f) => f.from <= f.to, { message: 'must not be after --to', path: ['from'] }),
  async run(flags, out) {
    return runLocally(out, {
      tables: flags.tables,
      kind: 'backfill',
      windowFrom: `${flags.from} 00:00:00.000000`,
      windowTo: `${flags.to} 23:59:59.999999`,
    });
  },
});

export const etlStatusCommand = defineCommand({
  words: ['etl', 'status'],
  summary: 'last runs, and per source table its watermark, lag and row counts',
  flags: { limit: { type: 'string' } },
  flagHelp: ['--limit N       runs to list (default 10)'],
  schema: z.object({ limit: z.coerce.number().int().positive().max(1000).default(10) }),
  async run(flags, out) {
    const deps = createPipelineDeps(config());
    try {
      const status = await etlStatus(deps.warehouse, flags.limit);
      out.result(status, () => `runs\n${out.table(status.runs)}\n\ntables\n${out.table(status.tables)}`);
      return 0;
    } finally {
      await deps.close();
    }
  },
});

export const etlResetCommand = defineCommand({
  words: ['etl', 'reset'],
  summary: "forget a table's watermark: its next run re-reads it in full (merges keep the warehouse correct)",
  flags: { table: { type: 'string' } },
  flagHelp: ['--table T       the source table, e.g. orders.order_items'],
  schema: z.object({ table: z.string({ error: 'is required' }).min(1, 'is required') }),
  async run(flags, out) {
    const [table] = selectSourceTables([flags.table]);
    const deps = createPipelineDeps(config());
    try {
      const existed = await resetWatermark(deps.warehouse, qualifiedName(table!));
      out.result({ table: qualifiedName(table!), reset: existed }, () =>
        existed
          ? `watermark of ${qualifiedName(table!)} removed: the next run reads it in full`
          : `${qualifiedName(table!)} had no watermark`,
      );
      return 0;
    } finally {
      await deps.close();
    }
  },
});
