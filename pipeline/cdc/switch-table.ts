import type { RowDataPacket } from 'mysql2/promise';
import { createKafka } from '../../connectors/cdc/index.ts';
import type { SourceDatabase } from '../../core/config.ts';
import { InfraError } from '../../core/errors.ts';
import {
  inTransaction,
  readCdcStatus,
  readWatermark,
  resetCdcOffsets,
  writeTableMode,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { runPipeline } from '../run-pipeline.ts';
import { qualifiedName, type SourceTable } from '../source-tables.ts';
import { effectiveModes } from '../table-modes.ts';
import { CDC_APPLY_LOCK } from './apply-batch.ts';
import { changeTopic, heartbeatTopic } from './cdc-names.ts';
import { describeConnector, registerConnector, warehouseHolds } from './connector-registry.ts';
import { waitForConnector } from './wait-for-connector.ts';

export interface SwitchOutcome {
  table: string;
  from: 'watermark' | 'cdc';
  to: 'watermark' | 'cdc';
  changed: boolean;
  /** Where the hand-over happened, as recorded in etl.table_modes. */
  position: Record<string, unknown>;
}

/** How long a connector may go without starting, or its snapshot without writing a change event. */
const CONNECTOR_STALL_SECONDS = 180;

/**
 * Hands a table from one path to the other at a recorded position, so nothing is lost and nothing is
 * applied twice (every merge is keyed and guarded, so what both sides see is applied once in effect).
 *
 * watermark → cdc: the table's connector is registered and streaming (a Debezium heartbeat seen); the
 * end offsets E of its topic are noted; after the safety lag, one last watermark run loads everything
 * committed before E was read; then the mode flips and the consumer's offsets for the topic are set to
 * E, in one transaction. A table the warehouse does not hold yet is snapshot by its new connector
 * instead, from the topic's start.
 *
 * cdc → watermark: once the batch being applied has committed, the mode flips with the binlog position
 * of the last applied event recorded; the watermark the consumer advanced with every batch is where
 * the next watermark run starts (minus its lookback).
 */
export async function switchTable(
  deps: PipelineDeps,
  table: SourceTable,
  to: 'watermark' | 'cdc',
  say: (line: string) => void = () => {},
): Promise<SwitchOutcome> {
  const name = qualifiedName(table);
  const from = (await effectiveModes(deps.warehouse, [table])).get(name)!;
  if (from === to) return { table: name, from, to, changed: false, position: {} };
  return to === 'cdc' ? toCdc(deps, table, say) : toWatermark(deps, table);
}

async function toCdc(
  deps: PipelineDeps,
  table: SourceTable,
  say: (line: string) => void,
): Promise<SwitchOutcome> {
  const cfg = deps.config;
  const name = qualifiedName(table);
  const holds = await warehouseHolds(deps, table);

  const registered = await registerConnector(cfg, table, holds);
  say(
    `connector ${registered.connector} ${registered.created ? 'registered' : 'kept'} (snapshot.mode ${registered.snapshot})`,
  );
  await waitForConnector(
    `connector ${registered.connector} to run`,
    async () => {
      const report = await describeConnector(cfg, table);
      if (report.error) throw new InfraError(`connector ${registered.connector} failed: ${report.error}`);
      return report.state === 'RUNNING' && report.tasks.includes('RUNNING');
    },
    CONNECTOR_STALL_SECONDS,
  );
  const kafka = createKafka(cfg.KAFKA_BROKERS.split(','), 'techmarket-cdc-switch');
  const admin = kafka.admin();
  await admin.connect();
  let offsets: { topic: string; partition: number; nextOffset: bigint }[];
  try {
    // A heartbeat is written once the connector streams the binlog: from then every commit reaches Kafka.
    // A new table's snapshot comes first, as long as the table is big: waited for while it grows.
    const beat = heartbeatTopic(cfg, table);
    const topic = changeTopic(cfg, table);
    const eventsInTopic = async () => {
      if (!(await admin.listTopics()).includes(topic)) return 0n;
      return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + BigInt(p.high), 0n);
    };
    await waitForConnector(
      `connector ${registered.connector} to stream the binlog`,
      async () => {
        const report = await describeConnector(cfg, table);
        if (report.error) throw new InfraError(`connector ${registered.connector} failed: ${report.error}`);
        if (!(await admin.listTopics()).includes(beat)) return false;
        return (await admin.fetchTopicOffsets(beat)).some((p) => BigInt(p.high) > 0n);
      },
      CONNECTOR_STALL_SECONDS,
      {
        count: eventsInTopic,
        say: (events) => say(`waiting for ${registered.connector} to stream: ${events} events in ${topic}`),
      },
    );
    const exists = (await admin.listTopics()).includes(topic);
    offsets = exists
      ? (await admin.fetchTopicOffsets(topic)).map((p) => ({
          topic,
          partition: p.partition,
          nextOffset: BigInt(holds ? p.high : p.low),
        }))
      : [{ topic, partition: 0, nextOffset: 0n }];
  } finally {
    await admin.disconnect();
  }
  const [gtid] = await deps
    .source(table.database as SourceDatabase)
    .query<RowDataPacket[]>('SELECT @@gtid_binlog_pos AS gtid');
  const position: Record<string, unknown> = {
    gtid: gtid[0]?.gtid ?? null,
    offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, next: o.nextOffset.toString() })),
    connector: registered.connector,
    snapshot: registered.snapshot,
  };
  if (holds) {
    // Rows newer than the source clock minus the safety lag wait for the next run: wait them out, so
    // the last run covers every commit made before the end offsets were read.
    await new Promise((r) => setTimeout(r, (table.safetyLagSeconds + 0.5) * 1000));
    say(`last watermark run of ${name}`);
    const run = await runPipeline(deps, { tables: [table], kind: 'incremental', trigger: 'cdc-switch' });
    position.lastWatermarkRun = run.runId;
  }
  const tx = await deps.warehouse.connect();
  try {
    await inTransaction(tx, async () => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [CDC_APPLY_LOCK]);
      position.watermark = (await readWatermark(tx, name)) ?? null;
      await resetCdcOffsets(tx, offsets);
      await writeTableMode(tx, name, 'cdc', position);
    });
  } finally {
    tx.release();
  }
  return { table: name, from: 'watermark', to: 'cdc', changed: true, position };
}

async function toWatermark(deps: PipelineDeps, table: SourceTable): Promise<SwitchOutcome> {
  const name = qualifiedName(table);
  const tx = await deps.warehouse.connect();
  try {
    return await inTransaction(tx, async () => {
      // Waits for the batch being applied: the position recorded is that of the last committed one.
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [CDC_APPLY_LOCK]);
      const status = (await readCdcStatus(tx)).get(name);
      const position: Record<string, unknown> = {
        binlog: status?.binlog_position ?? null,
        watermark: (await readWatermark(tx, name)) ?? null,
      };
      await writeTableMode(tx, name, 'watermark', position);
      return { table: name, from: 'cdc', to: 'watermark', changed: true, position } as const;
    });
  } finally {
    tx.release();
  }
}
