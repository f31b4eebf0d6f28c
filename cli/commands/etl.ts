import { z } from 'zod';
import { defineCommand, listFlagSchema } from '../command.ts';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const statusSchema = z.object({ limit: z.coerce.number().int().positive().max(1000).default(10) });
export type EtlStatusFlags = z.infer<typeof statusSchema>;

const resetSchema = z.object({ table: z.string({ error: 'is required' }).min(1, 'is required') });
export type EtlResetFlags = z.infer<typeof resetSchema>;

const cancelSchema = z.object({
  'workflow-id': z.string({ error: 'is required' }).min(1, 'is required'),
  reason: z.string().min(1).max(500).default('cancelled from the CLI'),
});
export type EtlCancelFlags = z.infer<typeof cancelSchema>;

// Each run imports its implementation when it starts, so `--help` loads neither the pipeline nor
// Temporal's SDK, and --local runs (whose peak memory the ETL benchmark measures) never load the SDK.

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
    if (flags.local) {
      const { runLocally } = await import('../actions/etl-local.ts');
      return runLocally(out, { tables: flags.tables, kind: 'incremental' });
    }
    const { runThroughTemporal } = await import('../actions/etl-temporal.ts');
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
    if (flags.local) {
      const { runLocally } = await import('../actions/etl-local.ts');
      return runLocally(out, { tables: flags.tables, kind: 'backfill', ...window });
    }
    const { runThroughTemporal } = await import('../actions/etl-temporal.ts');
    return runThroughTemporal(
      out,
      { kind: 'backfill', tables: flags.tables, from: flags.from, to: flags.to, ...window },
      flags.detach === true,
    );
  },
});

export const etlStatusCommand = defineCommand({
  words: ['etl', 'status'],
  summary:
    'last runs, and per source table its watermark, last extract, lag behind the source and row counts',
  flags: { limit: { type: 'string' } },
  flagHelp: ['--limit N       runs to list (default 10)'],
  schema: statusSchema,
  async run(flags, out) {
    const { showStatus } = await import('../actions/etl-local.ts');
    return showStatus(flags, out);
  },
});

export const etlResetCommand = defineCommand({
  words: ['etl', 'reset'],
  summary: "forget a table's watermark: its next run re-reads it in full (merges keep the warehouse correct)",
  flags: { table: { type: 'string' } },
  flagHelp: ['--table T       the source table, e.g. orders.order_items'],
  schema: resetSchema,
  async run(flags, out) {
    const { resetTable } = await import('../actions/etl-local.ts');
    return resetTable(flags, out);
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
  schema: cancelSchema,
  async run(flags, out) {
    const { cancelRun } = await import('../actions/etl-temporal.ts');
    return cancelRun(flags, out);
  },
});
