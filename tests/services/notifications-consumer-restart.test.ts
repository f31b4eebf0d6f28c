import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import type { OrderPaidEvent } from '../../services/kit/events.ts';
import type { Channel, Message } from '../../services/notifications/channel.ts';
import { createNotificationsConsumer } from '../../services/notifications/consumer.ts';
import type { NotificationsDatabase } from '../../services/notifications/database.ts';
import { openDatabase } from '../../services/shared/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { eventually } from './shop-fixtures.ts';

/**
 * kafkajs stops a consumer for good when a handler throws what it deems non-retriable (a TypeError
 * here, as a bug in a handler would): it emits `consumer.crash` with `restart: false` and stays
 * disconnected. The notifications consumer must join again by itself and deliver what came after,
 * the crashed event included (its offset was never committed).
 */
let scratch: Scratch;
let db: ReturnType<typeof openDatabase<NotificationsDatabase>>;
beforeAll(async () => {
  scratch = await createScratch();
  db = openDatabase<NotificationsDatabase>(sourceUrl(scratch.config, 'notifications'));
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  await scratch?.drop();
});

const orderPaid = (orderId: number): OrderPaidEvent => ({
  id: randomUUID(),
  type: 'OrderPaid',
  occurredAt: new Date().toISOString(),
  data: {
    orderId,
    customerId: 1,
    userId: 1,
    email: 'crash@example.com',
    totalAmount: '10.00',
    currency: 'UAH',
    paymentId: orderId,
  },
});

describe('the notifications consumer after a crash kafkajs does not restart', () => {
  it('joins again with backoff and delivers the crashed event and those after it', async () => {
    const topic = `techmarket.orders.crash-${scratch.suffix}`;
    const sent: Message[] = [];
    let crashes = 0;
    const channel: Channel = {
      name: 'email',
      async send(message) {
        // The first send fails as a bug would: kafkajs treats a TypeError as non-retriable.
        if (crashes === 0) {
          crashes += 1;
          throw new TypeError('a handler bug');
        }
        sent.push(message);
      },
      close: () => undefined,
    };
    const log = pino({ level: 'silent' });
    const consumer = createNotificationsConsumer({
      db,
      channel,
      brokers: scratch.config.KAFKA_BROKERS,
      topics: [topic],
      deadLetterTopic: `${topic}.dead-letter`,
      groupId: `notifications-crash-${scratch.suffix}`,
      attempts: 1,
      log,
    });
    const kafka = new Kafka({ brokers: scratch.config.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    try {
      consumer.start();
      await producer.connect();
      const first = orderPaid(1);
      await producer.send({ topic, messages: [{ key: '1', value: JSON.stringify(first) }] });
      await eventually(async () => (consumer.restarts() > 0 ? true : undefined), 60);
      const later = orderPaid(2);
      await producer.send({ topic, messages: [{ key: '2', value: JSON.stringify(later) }] });

      const rows = await eventually(async () => {
        const found = await db
          .selectFrom('notifications')
          .select(['event_id', 'status'])
          .where('status', '=', 'sent')
          .execute();
        return found.length === 2 ? found : undefined;
      }, 60);
      expect(rows.map((r) => r.event_id).sort()).toEqual([first.id, later.id].sort());
      expect(sent.map((m) => m.subject).sort()).toEqual(['Order 1 is paid', 'Order 2 is paid']);
      expect(consumer.restarts()).toBe(1);
      const { rows: processed } = await sql<{
        n: number;
      }>`select count(*) as n from processed_events`.execute(db);
      expect(Number(processed[0]!.n)).toBe(2);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  }, 120_000);
});
