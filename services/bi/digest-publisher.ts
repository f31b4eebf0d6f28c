import type { BiDigestEvent } from '../kit/events.ts';
import { ensureTopics, type KafkaLog, kafkaClient } from '../kit/kafka.ts';

/** Hands digests to notifications: one Kafka message per digest, keyed by subscription. */
export interface DigestPublisher {
  publish(event: BiDigestEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * A producer that connects on the first digest (the page serves without Kafka; only the dispatcher
 * needs it) and waits for the broker's acknowledgement of every message (acks -1), so a digest is
 * handed over before its period is marked sent.
 */
export function createDigestPublisher(options: {
  brokers: string;
  topic: string;
  log: KafkaLog;
}): DigestPublisher {
  const kafka = kafkaClient('bi', options.brokers, options.log);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let connecting: Promise<void> | undefined;
  return {
    async publish(event) {
      connecting ??= (async () => {
        await ensureTopics(kafka, [options.topic]);
        await producer.connect();
      })().catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      await connecting;
      await producer.send({
        topic: options.topic,
        acks: -1,
        messages: [{ key: String(event.data.subscriptionId), value: JSON.stringify(event) }],
      });
    },
    async close() {
      if (connecting) await connecting.catch(() => undefined);
      await producer.disconnect();
    },
  };
}
