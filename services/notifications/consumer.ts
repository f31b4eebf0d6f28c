import type { Consumer } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  type BiDigestEvent,
  biDigestEvent,
  eventEnvelope,
  type OrderPaidEvent,
  orderPaidEvent,
} from '../kit/events.ts';
import { ensureTopics, kafkaClient, sleep } from '../kit/kafka.ts';
import { handleBiDigest } from './bi-digest-handler.ts';
import type { Channel } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';
import { handleOrderPaid } from './order-paid-handler.ts';

export interface ConsumerOptions {
  db: Kysely<NotificationsDatabase>;
  channel: Channel;
  brokers: string;
  /** The topics read: order events and BI digests. */
  topics: readonly string[];
  deadLetterTopic: string;
  groupId: string;
  attempts: number;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

/** An event notifications acts on. */
type Handled = { kind: 'order-paid'; event: OrderPaidEvent } | { kind: 'bi-digest'; event: BiDigestEvent };

/** What a message is: an OrderPaid or BiDigest to handle, another event to let pass, or undecodable (why). */
export function decode(value: Buffer | null): Handled | { kind: 'other' } | { kind: 'bad'; reason: string } {
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
  if (envelope.data.type === 'OrderPaid') {
    const paid = orderPaidEvent.safeParse(json);
    if (!paid.success) return { kind: 'bad', reason: `OrderPaid: ${firstIssue(paid.error)}` };
    return { kind: 'order-paid', event: paid.data };
  }
  if (envelope.data.type === 'BiDigest') {
    const digest = biDigestEvent.safeParse(json);
    if (!digest.success) return { kind: 'bad', reason: `BiDigest: ${firstIssue(digest.error)}` };
    return { kind: 'bi-digest', event: digest.data };
  }
  return { kind: 'other' };
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.')} ${issue.message}`;
}

/** The first wait before joining again after a crash kafkajs will not restart; doubles per crash. */
const REJOIN_FIRST_BACKOFF_MS = 200;
const REJOIN_MAX_BACKOFF_MS = 30_000;
/** Partitions handled at once (each still in order): an order's events share a key, so a partition. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 6;

/**
 * The consumer of order events and BI digests: one consumer group, so instances share the partitions. A message that
 * cannot be decoded goes to the dead-letter topic with the reason and the stream goes on; handling
 * an event is retried with backoff, and after `attempts` failures the error goes to kafkajs, which
 * restarts the consumer from the uncommitted offset (nothing is skipped). kafkajs gives up for good
 * on an error it deems non-retriable (a TypeError, an error marked `retriable: false`): it emits
 * `consumer.crash` with `restart: false` and stays disconnected. Then this consumer joins again
 * itself, with a fresh kafkajs consumer, after a backoff that doubles per crash (up to 30 s) and
 * starts over once a message is handled, so a bug that crashes it on every message cannot spin.
 */
export function createNotificationsConsumer(options: ConsumerOptions) {
  const kafka = kafkaClient('notifications', options.brokers, options.log);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let consumer: Consumer | undefined;
  let rejoinBackoff = REJOIN_FIRST_BACKOFF_MS;
  let restarts = 0;

  async function handle(message: Handled) {
    for (let attempt = 1; ; attempt++) {
      try {
        return message.kind === 'order-paid'
          ? await handleOrderPaid(options.db, options.channel, message.event)
          : await handleBiDigest(options.db, options.channel, message.event);
      } catch (error) {
        if (attempt >= options.attempts) throw error;
        options.log.warn(
          { err: error, eventId: message.event.id, eventType: message.event.type, attempt },
          'notifications: handling failed, retrying',
        );
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  async function subscribe() {
    await ensureTopics(kafka, [...options.topics, options.deadLetterTopic]);
    await producer.connect();
    consumer = kafka.consumer({ groupId: options.groupId, retry: { retries: 10 } });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) rejoin(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
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
        if (decoded.kind !== 'other') await handle(decoded);
        rejoinBackoff = REJOIN_FIRST_BACKOFF_MS;
      },
    });
  }

  const controller = new AbortController();
  let joining: Promise<void> | undefined;

  /** Joins the group, retrying with backoff until it is in (or the consumer is stopped). */
  async function join(): Promise<void> {
    for (let backoff = 200; !controller.signal.aborted; backoff = Math.min(backoff * 2, 5000)) {
      try {
        await subscribe();
        return;
      } catch (error) {
        options.log.warn({ err: error, retryInMs: backoff }, 'notifications: cannot join Kafka yet');
        await consumer?.disconnect().catch(() => undefined);
        await sleep(backoff, controller.signal);
      }
    }
  }

  /** kafkajs stopped the consumer for good: join again with a fresh one after the crash backoff. */
  function rejoin(error: Error) {
    if (controller.signal.aborted) return;
    const waitMs = rejoinBackoff;
    rejoinBackoff = Math.min(rejoinBackoff * 2, REJOIN_MAX_BACKOFF_MS);
    restarts += 1;
    options.log.error(
      { err: error, rejoinInMs: waitMs, restarts },
      'notifications: the consumer crashed and kafkajs will not restart it; joining again',
    );
    const previous = joining;
    joining = (async () => {
      await previous;
      await consumer?.disconnect().catch(() => undefined);
      await sleep(waitMs, controller.signal);
      await join();
    })();
  }

  return {
    /**
     * Joins the group in the background: the service answers (its /ready is about its database)
     * while Kafka is down, and keeps trying with backoff until the broker is there.
     */
    start() {
      joining ??= join();
    },
    /** How often the consumer joined again after a crash kafkajs would not restart. */
    restarts: () => restarts,
    async stop() {
      controller.abort();
      await joining;
      await consumer?.disconnect();
      await producer.disconnect();
    },
  };
}
