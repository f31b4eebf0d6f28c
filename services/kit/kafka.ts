import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

/** A kafkajs client for a service: its name as client id, warnings and errors only. */
export function kafkaClient(service: string, brokers: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: `techmarket-${service}`,
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.ERROR,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    ...overrides,
  });
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
