import { z } from 'zod';
import { calendarDaySchema } from '../../demo/option-schemas.ts';
import { defineCommand, type FlagValues, listFlagSchema, switchFlag, valueFlag } from '../command.ts';

const statusFlags = {
  limit: valueFlag(
    'N',
    'runs to list (default 10)',
    z.coerce.number().int().positive().max(1000).default(10),
  ),
};
export type EtlStatusFlags = FlagValues<typeof statusFlags>;

const resetFlags = {
  table: valueFlag(
    'T',
    'the source table, e.g. orders.order_items',
    z.string({ error: 'is required' }).min(1, 'is required'),
  ),
};
export type EtlResetFlags = FlagValues<typeof resetFlags>;

const cancelFlags = {
  'workflow-id': valueFlag(
    'ID',
    'the run, as printed by etl run / etl backfill (e.g. etl-daily-2026-11-25)',
    z.string({ error: 'is required' }).min(1, 'is required'),
  ),
  reason: valueFlag(
    'TEXT',
    'recorded with the run (default: cancelled from the CLI)',
    z.string().min(1).max(500).default('cancelled from the CLI'),
  ),
};
export type EtlCancelFlags = FlagValues<typeof cancelFlags>;

const runFlags = {
  tables: valueFlag('a,b', 'only these source tables (e.g. orders.orders,catalog.products)', listFlagSchema),
  local: switchFlag('run in this process instead of through Temporal'),
  detach: switchFlag('start the workflow and return (default: follow it to the end)'),
};
const detachNotLocal = {
  holds: (f: { local?: boolean; detach?: boolean }) => !(f.local && f.detach),
  flag: 'detach',
  message: 'cannot be combined with --local',
};

// Each run imports its implementation when it starts, so `--help` loads neither the pipeline nor
// Temporal's SDK, and --local runs (whose peak memory the ETL benchmark measures) never load the SDK.

export const etlRunCommand = defineCommand({
  words: ['etl', 'run'],
  summary: 'one incremental pipeline run: extract past the watermarks, stage, build dimensions and facts',
  flags: runFlags,
  checks: [detachNotLocal],
  notes: [
    'Through Temporal by default (workflow id etl-daily-<business date>); fails if Temporal does not answer.',
  ],
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
    from: valueFlag('D', 'first day (YYYY-MM-DD, UTC), inclusive', calendarDaySchema),
    to: valueFlag('D', 'last day (YYYY-MM-DD, UTC), inclusive', calendarDaySchema),
    tables: valueFlag('a,b', 'only these source tables', listFlagSchema),
    local: switchFlag('run in this process instead of through Temporal (one run over the whole range)'),
    detach: runFlags.detach,
  },
  checks: [{ holds: (f) => f.from <= f.to, flag: 'from', message: 'must not be after --to' }, detachNotLocal],
  notes: [
    'Through Temporal by default: one child run per day, 4 at once (workflow id etl-backfill-<from>-<to>-<tables>).',
  ],
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
  flags: statusFlags,
  async run(flags, out) {
    const { showStatus } = await import('../actions/etl-local.ts');
    return showStatus(flags, out);
  },
});

export const etlResetCommand = defineCommand({
  words: ['etl', 'reset'],
  summary: "forget a table's watermark: its next run re-reads it in full (merges keep the warehouse correct)",
  flags: resetFlags,
  async run(flags, out) {
    const { resetTable } = await import('../actions/etl-local.ts');
    return resetTable(flags, out);
  },
});

export const etlCancelCommand = defineCommand({
  words: ['etl', 'cancel'],
  summary:
    'stop a run started through Temporal: the step under way finishes or rolls back, the run is recorded failed',
  flags: cancelFlags,
  async run(flags, out) {
    const { cancelRun } = await import('../actions/etl-temporal.ts');
    return cancelRun(flags, out);
  },
});
