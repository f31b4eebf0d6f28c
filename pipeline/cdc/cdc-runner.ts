import type { Producer } from 'kafkajs';
import {
  createKafka,
  type RunningConsumer,
  sendToDeadLetter,
  startDebeziumConsumer,
} from '../../connectors/cdc/index.ts';
import { TechmarketError } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import { readCdcOffsets, writeCdcError } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { SOURCE_TABLES, type SourceTable } from '../source-tables.ts';
import { onCdcPath } from '../table-modes.ts';
import {
  type CdcApplierOptions,
  type CdcApplyOutcome,
  createCdcApplier,
  decodeCdcMessage,
} from './apply-batch.ts';
import { cdcMetrics } from './cdc-metrics.ts';
import { changeTopic, consumerGroup, deadLetterTopic } from './cdc-names.ts';

/** Only one consumer applies a warehouse's changes at a time. */
const CONSUMER_LOCK = 'techmarket.cdc.consumer';

export interface CdcRunnerOptions extends Omit<CdcApplierOptions, 'onApplied'> {
  /** Source tables (default SOURCE_TABLES); those whose mode is cdc are consumed. */
  tables?: readonly SourceTable[];
  maxBatchMessages?: number;
  maxBatchMs?: number;
  /** How often the table modes and topics are looked at again (default 1 s). */
  pollMs?: number;
  onBatch?(outcome: CdcApplyOutcome): void;
}

export class CdcConsumerRunningError extends TechmarketError {}

/**
 * The long-running CDC consumer: applies the change topics of every table on the CDC path until the
 * signal aborts, following `cdc switch` (a table switched over is picked up within `pollMs`).
 */
export async function runCdcConsumer(
  deps: PipelineDeps,
  signal: AbortSignal,
  options: CdcRunnerOptions = {},
): Promise<void> {
  const all = options.tables ?? SOURCE_TABLES;
  const lockClient = await deps.warehouse.connect();
  const { rows } = await lockClient.query<{ locked: boolean }>(
    'select pg_try_advisory_lock(hashtext($1)) as locked',
    [CONSUMER_LOCK],
  );
  if (!rows[0]!.locked) {
    lockClient.release();
    throw new CdcConsumerRunningError('another CDC consumer is applying to this warehouse', {
      hint: 'stop it first, or leave it running (techmarket cdc status shows what it applies)',
    });
  }
  const kafka = createKafka(deps.config.KAFKA_BROKERS.split(','), 'techmarket-cdc');
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  // Made now, not by the first dead letter (whose send would wait for the topic's leader).
  await admin.createTopics({ topics: [{ topic: deadLetterTopic(deps.config) }], waitForLeaders: true });
  let running: RunningConsumer | undefined;
  let current = '';
  try {
    while (!signal.aborted) {
      const tables = await onCdcPath(deps.warehouse, all);
      const existing = new Set(await admin.listTopics());
      const byTopic = new Map(
        tables.map((t) => [changeTopic(deps.config, t), t] as const).filter(([topic]) => existing.has(topic)),
      );
      const key = [...byTopic.keys()].sort().join(',');
      if (key !== current) {
        await running?.stop();
        running = undefined;
        current = key;
        if (byTopic.size > 0) running = await start(deps, kafka, producer, byTopic, options);
        logger.info({ topics: [...byTopic.keys()] }, 'cdc consumer following topics');
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', wake);
          resolve();
        }, options.pollMs ?? 1_000);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  } finally {
    await running?.stop().catch((error) => logger.error({ err: error }, 'cdc consumer stop failed'));
    await admin.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await lockClient.query('select pg_advisory_unlock(hashtext($1))', [CONSUMER_LOCK]).catch(() => {});
    lockClient.release();
  }
}

async function start(
  deps: PipelineDeps,
  kafka: ReturnType<typeof createKafka>,
  producer: Producer,
  byTopic: Map<string, SourceTable>,
  options: CdcRunnerOptions,
): Promise<RunningConsumer> {
  const dlq = deadLetterTopic(deps.config);
  const topics = [...byTopic.keys()];
  const applier = createCdcApplier(
    { deps, deadLetter: (letters) => sendToDeadLetter(producer, dlq, letters) },
    {
      ...options,
      onApplied: (outcome) => {
        cdcMetrics.batchSeconds.observe(outcome.elapsedMs / 1000);
        cdcMetrics.batches.inc();
        cdcMetrics.deadLetters.inc(outcome.deadLetters);
        for (const [table, events] of Object.entries(outcome.tables))
          cdcMetrics.events.inc({ table }, events);
        for (const at of outcome.sourceTimesMs) {
          cdcMetrics.lagSeconds.observe(Math.max(0, (outcome.committedAt - at) / 1000));
        }
        if (outcome.deadLetters > 0)
          logger.warn(
            { deadLetters: outcome.deadLetters, topic: dlq },
            'undecodable changes sent to the dead-letter topic',
          );
        if (outcome.batches > 1)
          logger.info(
            { batches: outcome.batches, events: outcome.events, runId: outcome.runId },
            'catch-up load applied',
          );
        options.onBatch?.(outcome);
      },
    },
  );
  return startDebeziumConsumer(kafka, {
    brokers: deps.config.KAFKA_BROKERS.split(','),
    groupId: consumerGroup(deps.config),
    topics,
    startOffsets: await readCdcOffsets(deps.warehouse, topics),
    maxBatchMessages: options.maxBatchMessages,
    maxBatchMs: options.maxBatchMs,
    decode: (message) => decodeCdcMessage(byTopic, message),
    storedOffsets: () => readCdcOffsets(deps.warehouse, topics),
    apply: (batch) => applier.apply(batch),
    onApplyError: (error) => {
      cdcMetrics.applyErrors.inc();
      logger.error({ err: error }, 'cdc batch failed; retrying');
      void writeCdcError(deps.warehouse, '*', error.message).catch(() => {});
    },
  });
}
