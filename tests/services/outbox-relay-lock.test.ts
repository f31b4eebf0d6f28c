import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import type { OrdersDatabase } from '../../services/orders/database.ts';
import { createOutboxRelay } from '../../services/orders/outbox-relay.ts';
import { openDatabase } from '../../services/shared/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { eventually } from './shop-fixtures.ts';

/**
 * The relay's named lock keeps one relay per orders database; MySQL's named locks are server-wide,
 * so two orders databases on one server (two shops, parallel tests, a benchmark's reference shop)
 * must each still get a relay that publishes.
 */
const scratches: Scratch[] = [];
beforeAll(async () => {
  scratches.push(await createScratch(), await createScratch());
}, 60_000);
afterAll(async () => {
  for (const scratch of scratches) await scratch.drop();
});

describe('the outbox relay lock', () => {
  it('is per database: two orders databases on one server both publish', async () => {
    const log = pino({ level: 'silent' });
    const shops = scratches.map((scratch) => {
      const db = openDatabase<OrdersDatabase>(sourceUrl(scratch.config, 'orders'));
      const relay = createOutboxRelay({
        db,
        brokers: scratch.config.KAFKA_BROKERS,
        topic: `techmarket.orders.relay-lock-${scratch.suffix}`,
        pollMs: 50,
        maxBackoffMs: 1000,
        log,
      });
      return { db, relay };
    });
    try {
      for (const { db, relay } of shops) {
        relay.start();
        const id = randomUUID();
        const event = { id, type: 'OrderPaid', occurredAt: new Date().toISOString(), data: {} };
        await db
          .insertInto('outbox')
          .values({
            event_id: id,
            aggregate_type: 'order',
            aggregate_id: '1',
            event_type: 'OrderPaid',
            payload: JSON.stringify(event),
          })
          .execute();
        relay.wake();
      }
      for (const [i, { db }] of shops.entries()) {
        const published = await eventually(async () => {
          const row = await db.selectFrom('outbox').select('published_at').executeTakeFirst();
          return row?.published_at ?? undefined;
        }, 20).catch(() => null);
        expect(published, `the outbox of orders database ${i + 1} was published`).not.toBeNull();
      }
    } finally {
      for (const { db, relay } of shops) {
        await relay.stop();
        await db.destroy();
      }
    }
  }, 60_000);
});
