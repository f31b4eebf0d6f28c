import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { ensureParts } from './ensure-parts.ts';

const config = loadConfig();
const kafka = new Kafka({
  clientId: 'techmarket-infra-test',
  brokers: config.KAFKA_BROKERS.split(','),
  logLevel: logLevel.WARN,
});

/** Consumes from a fresh subscription until `count` messages arrived, then stops the consumer. */
async function consume(consumer: Consumer, topic: string, count: number): Promise<string[]> {
  const values: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} messages`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.stop();
  return values;
}

describe('kafka broker with kafkajs', () => {
  const topic = `infra-test-${randomUUID()}`;
  const groupId = `infra-test-group-${randomUUID()}`;
  const admin = kafka.admin();

  beforeAll(async () => {
    await ensureParts('kafka');
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  });

  afterAll(async () => {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('produces, consumes in a group, commits offsets and resumes after them', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: ['a', 'b', 'c'].map((value) => ({ key: value, value })),
    });

    const first = kafka.consumer({ groupId });
    await first.connect();
    expect((await consume(first, topic, 3)).sort()).toEqual(['a', 'b', 'c']);
    await first.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    // A partition that received nothing has no commit (offset -1).
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(3);

    // A new member of the same group starts at the committed offsets: it sees only what is new.
    await producer.send({ topic, messages: [{ key: 'd', value: 'd' }] });
    await producer.disconnect();
    const second = kafka.consumer({ groupId });
    await second.connect();
    expect(await consume(second, topic, 1)).toEqual(['d']);
    await second.disconnect();
  });
});
