import { z } from 'zod';
import { DEFAULT_HOLD_WHILE_BACKLOG, DEFAULT_MAX_LOAD_EVENTS } from '../../pipeline/cdc/catch-up-defaults.ts';
import { defineCommand, type FlagValues, listFlagSchema, valueFlag } from '../command.ts';

/** DESIGN.md section 1: the CDC consumer's metrics are on 7101. */
const CDC_METRICS_PORT = 7101;

const connectorsFlags = {
  tables: valueFlag('a,b', 'these source tables (default: every table on the CDC path)', listFlagSchema),
};
export type CdcConnectorsFlags = FlagValues<typeof connectorsFlags>;

const startFlags = {
  'metrics-port': valueFlag(
    'N',
    `Prometheus /metrics on 127.0.0.1:N (default ${CDC_METRICS_PORT}; 0 picks a free port)`,
    z.coerce.number().int().min(0).max(65535).default(CDC_METRICS_PORT),
  ),
  'max-batch': valueFlag(
    'N',
    'events per micro-batch at most (default 50000)',
    z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  ),
  'max-wait-ms': valueFlag(
    'N',
    'when nothing is applying, a micro-batch is cut once its first event has waited this long (default 20); while one applies, the next takes everything that arrived meanwhile',
    z.coerce.number().int().min(1).max(60_000).default(20),
  ),
  'hold-while-backlog': valueFlag(
    'N',
    `catch-up: while at least N messages wait in Kafka after a micro-batch, it is staged and held, and one transform applies them all (default ${DEFAULT_HOLD_WHILE_BACKLOG}; 0 applies every micro-batch on its own)`,
    z.coerce.number().int().min(0).max(100_000_000).default(DEFAULT_HOLD_WHILE_BACKLOG),
  ),
  'max-load-events': valueFlag(
    'N',
    `catch-up: at most N events in one held load; a full load commits while the next one takes batches (default ${DEFAULT_MAX_LOAD_EVENTS})`,
    z.coerce.number().int().min(1).max(100_000_000).default(DEFAULT_MAX_LOAD_EVENTS),
  ),
};
export type CdcStartFlags = FlagValues<typeof startFlags>;

const switchFlags = {
  table: valueFlag(
    'T',
    'the source table, e.g. orders.customers',
    z.string({ error: 'is required' }).min(1, 'is required'),
  ),
  to: valueFlag(
    'P',
    'cdc or watermark',
    z.enum(['cdc', 'watermark'], { error: "must be 'cdc' or 'watermark'" }),
  ),
};
export type CdcSwitchFlags = FlagValues<typeof switchFlags>;

// Each verb imports its implementation when it runs: kafkajs and the pipeline load only then.

export const cdcConnectorsRegisterCommand = defineCommand({
  words: ['cdc', 'connectors', 'register'],
  summary:
    "register (or update) each table's Debezium connector: a table the warehouse does not hold yet is snapshot first, a restart never repeats it",
  flags: connectorsFlags,
  async run(flags, out) {
    const { registerConnectors } = await import('../actions/cdc.ts');
    return registerConnectors(flags, out);
  },
});

export const cdcConnectorsStatusCommand = defineCommand({
  words: ['cdc', 'connectors', 'status'],
  summary: "each table's connector and task states, with Connect's own error when one failed",
  flags: connectorsFlags,
  notes: ['Without --tables: every configured table.'],
  async run(flags, out) {
    const { showConnectors } = await import('../actions/cdc.ts');
    return showConnectors(flags, out);
  },
});

export const cdcConnectorsRemoveCommand = defineCommand({
  words: ['cdc', 'connectors', 'remove'],
  summary: "remove each table's connector and forget its offsets (registered again, it starts afresh)",
  flags: connectorsFlags,
  async run(flags, out) {
    const { removeConnectors } = await import('../actions/cdc.ts');
    return removeConnectors(flags, out);
  },
});

export const cdcStartCommand = defineCommand({
  words: ['cdc', 'start'],
  summary:
    'run the CDC consumer: applies the change topics of tables on the CDC path in micro-batches, metrics on :7101; SIGINT/SIGTERM stop it after the batch under way',
  flags: startFlags,
  async run(flags, out) {
    const { startConsumer } = await import('../actions/cdc.ts');
    return startConsumer(flags, out);
  },
});

export const cdcStatusCommand = defineCommand({
  words: ['cdc', 'status'],
  summary:
    'per table: the path that feeds it, its connector, lag from source commit to warehouse commit, last error',
  flags: {},
  async run(_flags, out) {
    const { showCdcStatus } = await import('../actions/cdc.ts');
    return showCdcStatus(out);
  },
});

export const cdcSwitchCommand = defineCommand({
  words: ['cdc', 'switch'],
  summary: 'hand a table to the other path at a recorded position: nothing lost, nothing applied twice',
  flags: switchFlags,
  async run(flags, out) {
    const { switchPath } = await import('../actions/cdc.ts');
    return switchPath(flags, out);
  },
});
