import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../../core/config.ts';
import {
  changeTopic,
  deadLetterTopic,
  heartbeatTopic,
  removeConnector,
  schemaHistoryTopic,
} from '../../pipeline/cdc/index.ts';
import type { SourceTable } from '../../pipeline/index.ts';

export const kafkaFor = (config: Config) =>
  new Kafka({
    clientId: 'techmarket-cdc-test',
    brokers: config.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });

/** Removes the scratch's connectors and topics (every name carries the scratch's database names). */
export async function dropCdcLeftovers(config: Config, tables: readonly SourceTable[]): Promise<void> {
  for (const table of tables) await removeConnector(config, table).catch(() => {});
  const admin = kafkaFor(config).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [
      deadLetterTopic(config),
      ...tables.flatMap((t) => [
        changeTopic(config, t),
        heartbeatTopic(config, t),
        schemaHistoryTopic(config, t),
      ]),
    ].filter((t) => existing.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}
