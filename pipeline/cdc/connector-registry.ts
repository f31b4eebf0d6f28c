import { z } from 'zod';
import { type Config, etlSourceUrl, type SourceDatabase } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import {
  type ConnectorStatus,
  connectorConfig,
  connectorStatus,
  deleteConnector,
  putConnector,
  resetConnectorOffsets,
  stopConnector,
} from '../../ops/kafka-connect/connect-client.ts';
import {
  DEBEZIUM_MYSQL_CONNECTOR_CLASS,
  debeziumSourceConfig,
} from '../../ops/kafka-connect/debezium-source-config.ts';
import { isMirrorEmpty, mirrorTable, readWatermark } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { connectorName, physicalDatabase, serverId, topicPrefix } from './cdc-names.ts';

/** How often Debezium writes a heartbeat: the switch waits for one to know the binlog is streamed. */
const HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * How long Debezium's task sleeps when its queue of read events is empty before it looks again
 * (Debezium's default 500 ms): a change read just after it went to sleep waits that long before it is
 * sent to Kafka, the largest share of the lag of a quiet stream (bench:cdc, decision 0028). Awake, a
 * look at an empty queue costs nothing measurable.
 */
const POLL_INTERVAL_MS = 25;

const digits = z.string().regex(/^\d+$/, 'must be a whole number');

/**
 * What we send to Kafka Connect, checked before it leaves: a typo here would otherwise surface as a
 * FAILED task minutes later. Unknown keys pass (Debezium has hundreds); the ones we rely on are pinned.
 */
const connectorConfigSchema = z.looseObject({
  'connector.class': z.literal(DEBEZIUM_MYSQL_CONNECTOR_CLASS),
  'tasks.max': z.literal('1'),
  'database.hostname': z.string().min(1),
  'database.port': digits,
  'database.user': z.string().min(1),
  'database.password': z.string(),
  'database.server.id': digits.refine((v) => Number(v) >= 2 && Number(v) < 2 ** 32, 'must be 2 … 2^32-1'),
  'topic.prefix': z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, . _ -'),
  'database.include.list': z.string().regex(/^[A-Za-z0-9_]+$/, 'must be one database'),
  'table.include.list': z.string().regex(/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/, 'must be one database.table'),
  /** initial: a new connector snapshots its table, then streams; with offsets stored it only streams. */
  'snapshot.mode': z.enum(['initial', 'no_data']),
  'decimal.handling.mode': z.literal('string'),
  'tombstones.on.delete': z.literal('true'),
  'heartbeat.interval.ms': digits,
  'poll.interval.ms': digits,
  'schema.history.internal.skip.unparseable.ddl': z.literal('true'),
});

export type SnapshotChoice = 'initial' | 'no_data';

/** The checked configuration of one table's connector; the error names the setting. */
export function tableConnectorConfig(cfg: Config, table: SourceTable, snapshot: SnapshotChoice) {
  const database = physicalDatabase(cfg, table.database);
  const config = {
    ...debeziumSourceConfig({
      topicPrefix: topicPrefix(cfg, table),
      serverId: serverId(cfg, table),
      sourceUrl: etlSourceUrl(cfg, table.database as SourceDatabase),
      databases: [database],
      tables: [`${database}.${table.table}`],
      kafkaBrokers: cfg.KAFKA_BROKERS,
      snapshotMode: snapshot,
    }),
    'heartbeat.interval.ms': String(HEARTBEAT_INTERVAL_MS),
    'poll.interval.ms': String(POLL_INTERVAL_MS),
    // Read the structure of this table only: by default the schema snapshot reads every table of the
    // server, and fails when another database is dropped meanwhile (a scratch copy, a migration).
    'schema.history.internal.store.only.captured.tables.ddl': 'true',
    'schema.history.internal.store.only.captured.databases.ddl': 'true',
  };
  const parsed = connectorConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`connector ${connectorName(cfg, table)}: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data as Record<string, string>;
}

export interface RegisteredConnector {
  table: string;
  connector: string;
  snapshot: SnapshotChoice;
  created: boolean;
}

/**
 * Registers (or updates) one table's connector. A new connector snapshots the table when the
 * warehouse does not hold it yet (`initial`), and only streams when the watermark path has loaded it
 * (`no_data`: the switch's last watermark run covers what came before). An existing connector keeps
 * its snapshot mode, and Connect keeps its offsets, so a restart never repeats a snapshot.
 */
export async function registerConnector(
  cfg: Config,
  table: SourceTable,
  warehouseHoldsTable: boolean,
): Promise<RegisteredConnector> {
  const name = connectorName(cfg, table);
  const existing = await connectorConfig(cfg.KAFKA_CONNECT_URL, name);
  const snapshot: SnapshotChoice =
    (existing?.['snapshot.mode'] as SnapshotChoice | undefined) ??
    (warehouseHoldsTable ? 'no_data' : 'initial');
  await putConnector(cfg.KAFKA_CONNECT_URL, name, tableConnectorConfig(cfg, table, snapshot));
  return { table: qualifiedName(table), connector: name, snapshot, created: !existing };
}

export interface ConnectorReport {
  table: string;
  connector: string;
  state: string;
  tasks: string;
  /** Connect's own words for a failed connector or task (the first line of its trace). */
  error: string | null;
}

/** Connect's own words: the trace's first line and its root cause (the last "Caused by"), verbatim. */
function traceSummary(trace: string): string {
  const lines = trace.split('\n');
  const cause = lines.filter((line) => line.startsWith('Caused by: ')).at(-1);
  return cause ? `${lines[0]} ${cause}` : lines[0]!;
}

export async function describeConnector(cfg: Config, table: SourceTable): Promise<ConnectorReport> {
  const name = connectorName(cfg, table);
  const status: ConnectorStatus | undefined = await connectorStatus(cfg.KAFKA_CONNECT_URL, name);
  const trace = status?.connector.trace ?? status?.tasks.find((t) => t.trace)?.trace;
  return {
    table: qualifiedName(table),
    connector: name,
    state: status?.connector.state ?? 'NOT REGISTERED',
    tasks: status ? status.tasks.map((t) => `${t.id}:${t.state}`).join(' ') : '',
    error: trace ? traceSummary(trace) : null,
  };
}

/**
 * Removes a table's connector and forgets its offsets, so registering it again starts afresh (with a
 * snapshot when the warehouse does not hold the table).
 */
export async function removeConnector(cfg: Config, table: SourceTable): Promise<boolean> {
  const name = connectorName(cfg, table);
  if (!(await connectorStatus(cfg.KAFKA_CONNECT_URL, name))) return false;
  await stopConnector(cfg.KAFKA_CONNECT_URL, name);
  // Offsets can be reset once the connector has stopped; Connect needs a moment to get there.
  for (let attempt = 0; ; attempt++) {
    try {
      await resetConnectorOffsets(cfg.KAFKA_CONNECT_URL, name);
      break;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await deleteConnector(cfg.KAFKA_CONNECT_URL, name);
  return true;
}

/** Whether the warehouse holds the table already (a watermark, or rows in its mirror): no snapshot then. */
export async function warehouseHolds(deps: PipelineDeps, table: SourceTable): Promise<boolean> {
  if ((await readWatermark(deps.warehouse, qualifiedName(table))) !== undefined) return true;
  const client = await deps.warehouse.connect();
  try {
    const { rows } = await client.query('select to_regclass($1) is not null as present', [
      mirrorTable(table.database, table.table),
    ]);
    return rows[0]!.present && !(await isMirrorEmpty(client, stagingSpec(table)));
  } finally {
    client.release();
  }
}
