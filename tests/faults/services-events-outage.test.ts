import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateKafka, startPrivateKafka } from '../services/private-kafka.ts';
import { call, rowsOf } from '../services/service-fixtures.ts';
import {
  eventually,
  GOOD_CARD,
  type ShopWorld,
  shopper,
  startShopWorld,
  stockTheShop,
} from '../services/shop-fixtures.ts';
import { expectOneChargePerOrder, expectOneNotificationPerOrderPaid } from './support/service-invariants.ts';
import { scenario } from './support/summary.ts';

/**
 * Scenario 6 of issue 19, the outbox relay with the broker down: Kafka stopped for a minute during
 * checkouts (the test's own broker, killed and restarted with its data: the shared broker is never
 * touched). Checkouts go on (the outbox is in the orders database); when the broker is back every
 * event is published, in order per order, every order is charged once and every OrderPaid gives
 * exactly one notification. OUTAGE_SECONDS shortens the outage for a quick local run.
 */
const OUTAGE_SECONDS = Number(process.env.OUTAGE_SECONDS ?? 60);

let kafka: PrivateKafka;
let world: ShopWorld & { closeShop(): Promise<void> };
let shop: Awaited<ReturnType<typeof stockTheShop>>;
beforeAll(async () => {
  kafka = await startPrivateKafka(mkdtempSync(join(tmpdir(), 'techmarket-kafka-')));
  world = await startShopWorld({ kafkaBrokers: kafka.brokers });
  shop = await stockTheShop(world, 'ko');
}, 300_000);
afterAll(async () => {
  await world?.closeShop();
  await kafka?.stop();
});

async function checkout(token: string) {
  const placed = await call(`${world.shopUrl}/api/orders/orders`, {
    body: { items: [{ productId: shop.products[0]!.id, quantity: 1 }] },
    token,
  });
  const paid = await call(`${world.shopUrl}/api/orders/orders/${placed.body.id}/checkout`, {
    body: { card: GOOD_CARD },
    token,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return placed.body.id as number;
}

describe('Kafka stopped for a minute during checkouts', () => {
  it('publishes every event after it returns, in order per order, and notifies each OrderPaid once', async () => {
    await scenario(
      {
        scenario: '6. outbox relay with the broker down',
        fault: `private Kafka killed for ${OUTAGE_SECONDS} s during checkouts and refunds, then started`,
      },
      brokerDown,
    );
  }, 900_000);
});

/** Checkouts before, during and after the outage; the checks the scenario records. */
async function brokerDown(): Promise<{ checked: string; rowsCompared: number }> {
  const buyer = await shopper(world, 'outage@example.com', shop.regionCode);
  const before = await checkout(buyer.accessToken);
  await eventually(async () => {
    const rows = await rowsOf<{ n: number }>(
      world.notificationsDb,
      'select count(*) as n from notifications',
    );
    return Number(rows[0]!.n) === 1 ? true : undefined;
  }, 120);

  await kafka.stop();
  const started = Date.now();
  const during: number[] = [];
  while (Date.now() - started < OUTAGE_SECONDS * 1000) {
    const id = await checkout(buyer.accessToken);
    during.push(id);
    // a refund of every other order: its OrderRefunded must reach Kafka after its OrderPaid
    if (during.length % 2 === 0) {
      const refund = await call(`${world.shopUrl}/api/orders/orders/${id}/refund`, {
        body: {},
        token: buyer.accessToken,
      });
      expect(refund.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const unpublished = await rowsOf<{ n: number }>(
    world.ordersDb,
    'select count(*) as n from outbox where published_at is null',
  );
  expect(Number(unpublished[0]!.n)).toBeGreaterThan(during.length - 1);
  await kafka.start();

  const all = [before, ...during];
  await eventually(async () => {
    const rows = await rowsOf<{ n: number }>(
      world.notificationsDb,
      'select count(*) as n from notifications',
    );
    return Number(rows[0]!.n) >= all.length ? true : undefined;
  }, 180);
  const left = await rowsOf<{ n: number }>(
    world.ordersDb,
    'select count(*) as n from outbox where published_at is null',
  );
  expect(Number(left[0]!.n)).toBe(0);
  const perEvent = await rowsOf<{ event_id: string; n: number }>(
    world.notificationsDb,
    'select event_id, count(*) as n from notifications group by event_id',
  );
  expect(perEvent).toHaveLength(all.length);
  expect(perEvent.every((r) => Number(r.n) === 1)).toBe(true);

  // read the topic back: per order, OrderPaid comes before OrderRefunded
  const reader = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.ERROR }).consumer({
    groupId: `reader-${Date.now()}`,
  });
  await reader.connect();
  await reader.subscribe({ topic: world.topic, fromBeginning: true });
  const outboxCount = await rowsOf<{ n: number }>(world.ordersDb, 'select count(*) as n from outbox');
  const seen = new Map<string, string[]>();
  let total = 0;
  await new Promise<void>((resolve) => {
    void reader.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(String(message.value)) as { type: string; data: { orderId: number } };
        const key = String(message.key);
        expect(key).toBe(String(event.data.orderId));
        seen.set(key, [...(seen.get(key) ?? []), event.type]);
        total++;
        if (total >= Number(outboxCount[0]!.n)) resolve();
      },
    });
  });
  await reader.disconnect();
  for (const [order, types] of seen) {
    const distinct = types.filter((t, i) => types.indexOf(t) === i);
    expect(distinct[0], `order ${order}`).toBe('OrderPaid');
  }
  expect(seen.size).toBe(all.length);
  const orders = await expectOneChargePerOrder(world);
  const events = await expectOneNotificationPerOrderPaid(world);
  return {
    checked: `${during.length} checkouts while down: outbox drained, OrderPaid before OrderRefunded per order; one charge per order (${orders}); one notification per OrderPaid (${events})`,
    rowsCompared: total + orders + events,
  };
}
