import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** What kafkajs's lines need of the service's logger. */
export type KafkaLog = Pick<Logger, 'info' | 'debug'>;

/**
 * A kafkajs client for a service: its name as client id, its lines through the service's own logger
 * (JSON with the service's name, shipped with the rest; not kafkajs's console lines).
 */
export function kafkaClient(service: string, brokers: string, log: KafkaLog): Kafka {
  return new Kafka({
    clientId: `techmarket-${service}`,
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => writeKafkaLine(log, entry),
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}

/**
 * One kafkajs line, a level down: kafkajs says ERROR for every request or connection that failed,
 * retried or not (some 15 lines a second while a broker is down), and the relay and the consumer
 * log at warn and error themselves when what they were doing failed. So kafkajs's errors and
 * warnings are detail at info, and an operator at warn sees each failure once, in our words.
 */
export function writeKafkaLine(log: KafkaLog, { namespace, level, label, log: line }: LogEntry): void {
  const { message, timestamp: _timestamp, ...rest } = line;
  const fields = { component: 'kafkajs', namespace, kafkaLevel: label, ...rest };
  if (level <= logLevel.WARN) log.info(fields, message);
  else log.debug(fields, message);
}

/**
 * Creates the topics when missing (a second call is a no-op). Several partitions so that orders
 * spread over consumers; one order's events share a key and so a partition, which keeps their order.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], partitions = 6): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
