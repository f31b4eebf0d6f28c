import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { eventEnvelope, orderPaidEvent } from '../kit/events.ts';
import { ensureTopics, kafkaClient, sleep } from '../kit/kafka.ts';
import type { Channel } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';
import { handleOrderPaid } from './order-paid-handler.ts';

export interface ConsumerOptions {
  db: Kysely<NotificationsDatabase>;
  channel: Channel;
  brokers: string;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  attempts: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** What a message is: an OrderPaid to handle, another event to let pass, or undecodable (why). */
export function decode(
  value: Buffer | null,
):
  | { kind: 'order-paid'; event: ReturnType<typeof orderPaidEvent.parse> }
  | { kind: 'other' }
  | { kind: 'bad'; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { kind: 'bad', reason: 'not JSON' };
  }
  const envelope = eventEnvelope.safeParse(json);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    return {
      kind: 'bad',
      reason: `not an event {id, type, occurredAt, data}: ${issue.path.join('.')} ${issue.message}`,
    };
  }
  if (envelope.data.type !== 'OrderPaid') return { kind: 'other' };
  const paid = orderPaidEvent.safeParse(json);
  if (!paid.success) {
    const issue = paid.error.issues[0]!;
    return { kind: 'bad', reason: `OrderPaid: ${issue.path.join('.')} ${issue.message}` };
  }
  return { kind: 'order-paid', event: paid.data };
}

/**
 * The OrderPaid consumer: one consumer group, so instances share the partitions. A message that
 * cannot be decoded goes to the dead-letter topic with the reason and the stream goes on; handling
 * an event is retried with backoff, and after `attempts` failures the error goes to kafkajs, which
 * restarts the consumer from the uncommitted offset (nothing is skipped).
 */
export function createOrderPaidConsumer(options: ConsumerOptions) {
  const kafka = kafkaClient('notifications', options.brokers);
  const consumer = kafka.consumer({ groupId: options.groupId, retry: { retries: 10 } });
  const producer = kafka.producer({ allowAutoTopicCreation: false });

  async function handle(event: ReturnType<typeof orderPaidEvent.parse>) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await handleOrderPaid(options.db, options.channel, event);
      } catch (error) {
        if (attempt >= options.attempts) throw error;
        options.log.warn(
          { err: error, eventId: event.id, attempt },
          'notifications: handling failed, retrying',
        );
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  async function subscribe() {
    await ensureTopics(kafka, [options.topic, options.deadLetterTopic]);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const decoded = decode(message.value);
        if (decoded.kind === 'bad') {
          options.log.warn(
            { topic, partition, offset: message.offset, reason: decoded.reason },
            'dead-lettered',
          );
          await producer.send({
            topic: options.deadLetterTopic,
            messages: [
              {
                key: message.key,
                value: message.value,
                headers: {
                  'dead-letter-reason': decoded.reason,
                  'source-topic': topic,
                  'source-partition': String(partition),
                  'source-offset': message.offset,
                },
              },
            ],
          });
          return;
        }
        if (decoded.kind === 'order-paid') await handle(decoded.event);
      },
    });
  }

  const controller = new AbortController();
  let starting: Promise<void> | undefined;
  return {
    /**
     * Joins the group in the background: the service answers (its /ready is about its database)
     * while Kafka is down, and keeps trying with backoff until the broker is there.
     */
    start() {
      starting ??= (async () => {
        for (let backoff = 200; !controller.signal.aborted; backoff = Math.min(backoff * 2, 5000)) {
          try {
            await subscribe();
            return;
          } catch (error) {
            options.log.warn({ err: error, retryInMs: backoff }, 'notifications: cannot join Kafka yet');
            await consumer.disconnect().catch(() => undefined);
            await sleep(backoff, controller.signal);
          }
        }
      })();
    },
    async stop() {
      controller.abort();
      await starting;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
