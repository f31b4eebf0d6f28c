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

/** Polls until `check` holds; the failure names what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  seconds = 90,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
