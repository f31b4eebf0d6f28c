import { z } from 'zod';
import { TechmarketError } from '../core/errors.ts';

/**
 * Inputs of the workflows and their activities, validated with zod on the client before a start and
 * again in the first activity, because a workflow can also be started from the Temporal UI or the
 * `temporal` CLI. Workflow files import only the *types* from here: zod stays out of the sandbox.
 */

/** `orders.order_items`; the client resolves bare names against the catalogue before starting. */
const tableName = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be database.table');
const day = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
/** 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, the form the extract's window bounds take. */
const utcTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/, 'must be YYYY-MM-DD HH:MM:SS.ffffff (UTC)');
/** Source tables extracted at once within one run; 1 by default, as ETL_EXTRACT_PARALLELISM (core/config.ts). */
const extractParallelism = z.number().int().min(1).max(16).default(1);

/**
 * Seconds without a heartbeat before Temporal gives a run's load to a new attempt (decision 0026).
 * Unset, the workflow's own minute. Shorter only in the fault tests that freeze a worker past it: the
 * load beats every 5 seconds (PULSE_INTERVAL_MS), so less than 10 would time out a healthy load.
 */
const transformHeartbeatSeconds = z.number().int().min(10).max(3_600).optional();

export const dailyPipelineInputSchema = z.strictObject({
  /** Qualified source table names; empty means every configured table (default). */
  tables: z.array(tableName).default([]),
  extractParallelism,
  transformHeartbeatSeconds,
});
export type DailyPipelineInput = z.input<typeof dailyPipelineInputSchema>;

export const tablePipelineInputSchema = z.strictObject({ table: tableName, extractParallelism });
export type TablePipelineInput = z.input<typeof tablePipelineInputSchema>;

export const backfillInputSchema = z
  .strictObject({
    /** First day, inclusive (UTC, as `etl backfill --from`). */
    from: day,
    /** Last day, inclusive. */
    to: day,
    tables: z.array(tableName).default([]),
    /**
     * Days per chunk, each chunk read by one activity (default: the window in about twice as many
     * chunks as run at once, since each activity costs the orchestration a round trip).
     */
    chunkDays: z.number().int().min(1).max(366).optional(),
    /** Chunks running at once (default 4). */
    parallelism: z.number().int().min(1).max(32).default(4),
    extractParallelism,
  })
  .refine((b) => b.from <= b.to, { message: 'must not be after to', path: ['from'] });
export type BackfillInput = z.input<typeof backfillInputSchema>;

/** One run as the workflows hand it to the run activities: the request for `beginRun`. */
export const pipelineRunRequestSchema = z
  .strictObject({
    kind: z.enum(['incremental', 'backfill']),
    tables: z.array(tableName).default([]),
    windowFrom: utcTimestamp.optional(),
    windowTo: utcTimestamp.optional(),
    extractParallelism,
  })
  .refine((r) => r.kind === 'incremental' || (r.windowFrom && r.windowTo), {
    message: 'a backfill run needs windowFrom and windowTo',
    path: ['windowFrom'],
  })
  .refine((r) => !r.windowFrom || !r.windowTo || r.windowFrom <= r.windowTo, {
    message: 'must not be after windowTo',
    path: ['windowFrom'],
  });
export type PipelineRunRequest = z.input<typeof pipelineRunRequestSchema>;

/** A begun run as the workflow keeps it: everything the later activities need, defaults applied. */
export interface RunPlan {
  runId: number;
  /** True when a retried begin continued this workflow's open run. */
  adopted: boolean;
  kind: 'incremental' | 'backfill';
  tables: string[];
  windowFrom?: string;
  windowTo?: string;
  extractParallelism: number;
}

export const extractInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  table: tableName,
  kind: z.enum(['incremental', 'backfill']),
  windowFrom: utcTimestamp.optional(),
  windowTo: utcTimestamp.optional(),
});
export type ExtractActivityInput = z.input<typeof extractInputSchema>;

/** Every table of a run in one activity, `extractParallelism` at once (workflows/pipeline-run.ts). */
export const extractTablesInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  tables: z.array(tableName).min(1),
  kind: z.enum(['incremental', 'backfill']),
  windowFrom: utcTimestamp.optional(),
  windowTo: utcTimestamp.optional(),
  extractParallelism,
});
export type ExtractTablesActivityInput = z.input<typeof extractTablesInputSchema>;

export const transformInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  kind: z.enum(['incremental', 'backfill']),
  tables: z.array(tableName).min(1),
});
export type TransformActivityInput = z.input<typeof transformInputSchema>;

export const finishInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  /** Set when the run failed or was cancelled; its batch tables are dropped. */
  error: z.string().min(1).optional(),
});
export type FinishActivityInput = z.input<typeof finishInputSchema>;

export const qualityInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  /** `run` after an incremental load (only what the run changed); `all` when absent. */
  scope: z.enum(['run', 'all']).optional(),
});
export type QualityActivityInput = z.input<typeof qualityInputSchema>;

/** One chunk of a backfill: a run of kind 'backfill' over whole UTC days. */
export interface BackfillChunk {
  from: string;
  to: string;
  windowFrom: string;
  windowTo: string;
}

export interface BackfillPlan {
  chunks: BackfillChunk[];
  tables: string[];
  parallelism: number;
  extractParallelism: number;
}

export const backfillChunkInputSchema = z.strictObject({
  from: day,
  to: day,
  windowFrom: utcTimestamp,
  windowTo: utcTimestamp,
  tables: z.array(tableName).default([]),
  extractParallelism,
});
export type BackfillChunkInput = z.input<typeof backfillChunkInputSchema>;

/** The run a backfill loads once, with its tables and window; `parts` once every part is read. */
export const windowExtractInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  tables: z.array(tableName).min(1),
  windowFrom: utcTimestamp,
  windowTo: utcTimestamp,
  parts: z
    .array(
      z.strictObject({
        table: tableName,
        from: day,
        rows: z.number().int().nonnegative(),
        read: z.boolean(),
      }),
    )
    .default([]),
});
export type WindowExtractInput = z.input<typeof windowExtractInputSchema>;

/** One part of a backfill run (consecutive day chunks), read for each of its tables. */
export const windowPartInputSchema = z.strictObject({
  runId: z.number().int().positive(),
  tables: z.array(tableName).min(1),
  part: z.strictObject({ from: day, windowFrom: utcTimestamp, windowTo: utcTimestamp }),
});
export type WindowPartInput = z.input<typeof windowPartInputSchema>;

/** Parses with a schema; the message names the field, for ApplicationFailure and CLI errors alike. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'input';
  throw new WorkflowInputError(`${what}: ${field} ${issue.message}`);
}

/** A workflow or activity input that fails validation: never worth a retry. */
export class WorkflowInputError extends TechmarketError {}
