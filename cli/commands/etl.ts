import { z } from 'zod';
import { config } from '../../core/config.ts';
import { TechmarketError } from '../../core/errors.ts';
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
import type { BackfillOutcome } from '../../workflows/backfill.ts';
import { connectTemporal, temporalUiLink } from '../../workflows/client.ts';
import { etlTaskQueue } from '../../workflows/constants.ts';
import { cancelSignal } from '../../workflows/definitions.ts';
import { followBackfill, followPipelineRun } from '../../workflows/follow-run.ts';
import type { PipelineRunOutcome } from '../../workflows/pipeline-run.ts';
import {
  type StartedRun,
  startBackfill,
  startDailyPipeline,
  startTablePipeline,
} from '../../workflows/start-workflows.ts';
import { taskQueueHasWorker } from '../../workflows/task-queue.ts';
import { defineCommand, listFlagSchema } from '../command.ts';
import { type Output, renderTable } from '../output.ts';

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

/** Written rows of one target: staging merges report one count, models inserted/updated/deleted. */
function describeWrites(t: PipelineRunSummary['transform']['targets'][number]): string {
  if (t.target.startsWith('stg.'))
    return `${formatCount(t.merged)} merged${t.deleted ? `, ${t.deleted} deleted` : ''}`;
  return `+${formatCount(t.inserted)} ~${formatCount(t.updated)} -${formatCount(t.deleted)}`;
}

function describeRun(summary: PipelineRunSummary): string {
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

type EtlRequest =
  | { kind: 'incremental'; tables: string[] }
  | { kind: 'backfill'; tables: string[]; from: string; to: string; windowFrom: string; windowTo: string };

/**
 * The default path: start the run as a workflow, print its id and Temporal UI link, then follow its
 * progress query until it ends (or return at once with --detach). When Temporal does not answer the
 * command fails and says so; it never falls back to an in-process run by itself, because a run the
 * operator believes orchestrated (retried, visible in the UI, cancellable) must not silently be neither.
 */
async function runThroughTemporal(out: Output, request: EtlRequest, detach: boolean): Promise<number> {
  const cfg = config();
  const tables = selectSourceTables(request.tables).map(qualifiedName);
  const temporal = await connectTemporal(cfg, {
    hint: 'start it with: techmarket infra up   (or run in this process with --local)',
  });
  try {
    const taskQueue = etlTaskQueue();
    const options = { taskQueue, timeZone: cfg.BUSINESS_TZ };
    let started: StartedRun;
    if (request.kind === 'backfill') {
      started = await startBackfill(
        temporal.client,
        { from: request.from, to: request.to, tables: request.tables.length > 0 ? tables : [] },
        options,
      );
    } else if (request.tables.length === 1) {
      started = await startTablePipeline(temporal.client, { table: tables[0]! }, options);
    } else {
      started = await startDailyPipeline(
        temporal.client,
        { tables: request.tables.length > 0 ? tables : [] },
        options,
      );
    }
    const link = temporalUiLink(cfg, started.workflowId, started.runId);
    const hasWorker = await taskQueueHasWorker(temporal.client, taskQueue).catch(() => true);
    if (detach) {
      out.result(
        {
          workflowId: started.workflowId,
          runId: started.runId,
          workflowType: started.workflowType,
          url: link,
          hasWorker,
        },
        () =>
          [
            `started ${started.workflowType} ${started.workflowId}`,
            `  ${link}`,
            hasWorker
              ? ''
              : `  no worker polls task queue ${taskQueue} yet: start one with 'techmarket worker'`,
          ]
            .filter(Boolean)
            .join('\n'),
      );
      return 0;
    }
    out.line(`started ${started.workflowType} ${started.workflowId}\n  ${link}`);
    if (!hasWorker)
      out.line(`  no worker polls task queue ${taskQueue} yet: start one with 'techmarket worker'`);
    out.line(
      `  Ctrl-C stops following; the run goes on (stop it: techmarket etl cancel --workflow-id ${started.workflowId})`,
    );
    const progress = progressReporter(out);
    try {
      if (request.kind === 'backfill') {
        const outcome = await followBackfill<BackfillOutcome>(started.handle, progress);
        progress.finish();
        out.result({ ...outcome, url: link }, () => describeBackfill(outcome));
      } else {
        const outcome = await followPipelineRun<PipelineRunOutcome>(started.handle, progress);
        progress.finish();
        const dq = Object.entries(outcome.quality.counts)
          .map(([status, count]) => `${count} ${status}`)
          .join(', ');
        out.result({ ...outcome, url: link }, () =>
          [describeRun(outcome), `  dq run ${outcome.quality.dqRunId}: ${dq}`].join('\n'),
        );
      }
      return 0;
    } catch (error) {
      progress.finish();
      throw new TechmarketError(
        `${started.workflowType} ${started.workflowId} failed: ${rootMessage(error)}`,
        {
          hint: `see its history: ${link}`,
        },
      );
    }
  } finally {
    await temporal.close();
  }
}

/** The failure's own message, under Temporal's WorkflowFailed / ActivityFailure wrappers. */
function rootMessage(error: unknown): string {
  let current = error as { cause?: unknown; message?: string } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current?.message ?? String(error);
}

function describeBackfill(outcome: BackfillOutcome): string {
  const rows = outcome.chunks.map((c) => ({
    chunk: c.from === c.to ? c.from : `${c.from}..${c.to}`,
    state: c.state,
    run: c.runId,
    rows: formatCount(c.rows),
  }));
  return `backfill ${outcome.workflowId}: ${outcome.chunks.length} chunks in ${outcome.seconds.toFixed(1)}s\n${renderTable(rows)}`;
}

export const etlRunCommand = defineCommand({
  words: ['etl', 'run'],
  summary: 'one incremental pipeline run: extract past the watermarks, stage, build dimensions and facts',
  flags: { tables: { type: 'string' }, local: { type: 'boolean' }, detach: { type: 'boolean' } },
  flagHelp: [
    '--tables a,b    only these source tables (e.g. orders.orders,catalog.products)',
    '--local         run in this process instead of through Temporal',
    '--detach        start the workflow and return (default: follow it to the end)',
    'Through Temporal by default (workflow id etl-daily-<business date>); fails if Temporal does not answer.',
  ],
  schema: z
    .object({ tables: listFlagSchema, local: z.boolean().optional(), detach: z.boolean().optional() })
    .refine((f) => !(f.local && f.detach), { message: 'cannot be combined with --local', path: ['detach'] }),
  async run(flags, out) {
    if (flags.local) return runLocally(out, { tables: flags.tables, kind: 'incremental' });
    return runThroughTemporal(out, { kind: 'incremental', tables: flags.tables }, flags.detach === true);
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
    detach: { type: 'boolean' },
  },
  flagHelp: [
    '--from D        first day (YYYY-MM-DD, UTC), inclusive',
    '--to D          last day (YYYY-MM-DD, UTC), inclusive',
    '--tables a,b    only these source tables',
    '--local         run in this process instead of through Temporal (one run over the whole range)',
    '--detach        start the workflow and return (default: follow it to the end)',
    'Through Temporal by default: one child run per day, 4 at once (workflow id etl-backfill-<from>-<to>-<tables>).',
  ],
  schema: z
    .object({
      from: dateSchema,
      to: dateSchema,
      tables: listFlagSchema,
      local: z.boolean().optional(),
      detach: z.boolean().optional(),
    })
    .refine((f) => f.from <= f.to, { message: 'must not be after --to', path: ['from'] })
    .refine((f) => !(f.local && f.detach), { message: 'cannot be combined with --local', path: ['detach'] }),
  async run(flags, out) {
    const window = { windowFrom: `${flags.from} 00:00:00.000000`, windowTo: `${flags.to} 23:59:59.999999` };
    if (flags.local) return runLocally(out, { tables: flags.tables, kind: 'backfill', ...window });
    return runThroughTemporal(
      out,
      { kind: 'backfill', tables: flags.tables, from: flags.from, to: flags.to, ...window },
      flags.detach === true,
    );
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

export const etlCancelCommand = defineCommand({
  words: ['etl', 'cancel'],
  summary:
    'stop a run started through Temporal: the step under way finishes or rolls back, the run is recorded failed',
  flags: { 'workflow-id': { type: 'string' }, reason: { type: 'string' } },
  flagHelp: [
    '--workflow-id ID  the run, as printed by etl run / etl backfill (e.g. etl-daily-2026-11-25)',
    '--reason TEXT     recorded with the run (default: cancelled from the CLI)',
  ],
  schema: z.object({
    'workflow-id': z.string({ error: 'is required' }).min(1, 'is required'),
    reason: z.string().min(1).max(500).default('cancelled from the CLI'),
  }),
  async run(flags, out) {
    const cfg = config();
    const temporal = await connectTemporal(cfg);
    try {
      const workflowId = flags['workflow-id'];
      await temporal.client.workflow.getHandle(workflowId).signal(cancelSignal, { reason: flags.reason });
      out.result({ workflowId, signalled: 'cancel', url: temporalUiLink(cfg, workflowId) }, () =>
        [`asked ${workflowId} to stop after its current step`, `  ${temporalUiLink(cfg, workflowId)}`].join(
          '\n',
        ),
      );
      return 0;
    } finally {
      await temporal.close();
    }
  },
});
