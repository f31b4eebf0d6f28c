import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../services/psp-simulator/webhook-sender.ts';
import { call, rowsOf } from '../services/service-fixtures.ts';
import {
  eventually,
  GOOD_CARD,
  type ShopWorld,
  shopper,
  startShopWorld,
  stockTheShop,
  WEBHOOK_SECRET,
} from '../services/shop-fixtures.ts';
import { expectOneChargePerOrder, expectOneNotificationPerOrderPaid } from './support/service-invariants.ts';
import { scenario } from './support/summary.ts';

/**
 * Scenario 6 of issue 19, deliveries: OrderPaid delivered twice, and the PSP charging but answering
 * too late (the simulator's capture_then_timeout card: it captures, keeps its answer for a retry under
 * the same key, and holds this one past payments' PSP timeout). After each: one charge per order, one
 * notification per OrderPaid.
 */
const CAPTURE_THEN_TIMEOUT_CARD = { ...GOOD_CARD, number: '4000000000000259' };

let world: ShopWorld & { closeShop(): Promise<void> };
let shop: Awaited<ReturnType<typeof stockTheShop>>;
beforeAll(async () => {
  world = await startShopWorld();
  shop = await stockTheShop(world, 'fd');
}, 120_000);
afterAll(async () => {
  await world?.closeShop();
});

const api = (path: string) => `${world.shopUrl}/api${path}`;

async function placeOrder(token: string) {
  const placed = await call(api('/orders/orders'), {
    body: { items: [{ productId: shop.products[0]!.id, quantity: 1 }] },
    token,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return placed.body as { id: number; totalAmount: string };
}

const orderStatus = async (token: string, id: number) =>
  (await call(api(`/orders/orders/${id}`), { token })).body.status as string;

describe('service events delivered twice, and a PSP that answers too late', () => {
  it('turns OrderPaid delivered twice into one notification; a message that is no event is dead-lettered', async () => {
    await scenario(
      { scenario: '6. OrderPaid delivered twice', fault: 'the same OrderPaid produced again, then junk' },
      async () => {
        const buyer = await shopper(world, 'notify@example.com', shop.regionCode);
        const placed = await placeOrder(buyer.accessToken);
        const paid = await call(api(`/orders/orders/${placed.id}/checkout`), {
          body: { card: GOOD_CARD },
          token: buyer.accessToken,
        });
        expect(paid.status).toBe(200);
        const [outbox] = await rowsOf<{ payload: string }>(
          world.ordersDb,
          "select payload from outbox where aggregate_id = ? and event_type = 'OrderPaid'",
          [placed.id],
        );
        const mine = async () => {
          const reply = await call(api('/notifications/notifications'), { token: buyer.accessToken });
          // A notification is written 'queued', then marked 'sent' once its channel took it.
          const sent =
            reply.body.items.length > 0 &&
            reply.body.items.every((n: { status: string }) => n.status === 'sent');
          return sent ? reply.body.items : undefined;
        };
        const items = await eventually(mine);
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          eventType: 'OrderPaid',
          recipient: 'notify@example.com',
          status: 'sent',
        });

        // the same event again, then a message that is not an event, then a marker event after both
        const kafka = new Kafka({
          brokers: world.scratch.config.KAFKA_BROKERS.split(','),
          logLevel: logLevel.ERROR,
        });
        const producer = kafka.producer();
        await producer.connect();
        const payload =
          typeof outbox!.payload === 'string' ? outbox!.payload : JSON.stringify(outbox!.payload);
        await producer.send({
          topic: world.topic,
          messages: [
            { key: String(placed.id), value: payload },
            { key: 'junk', value: 'this is not json' },
          ],
        });
        await producer.disconnect();
        const marker = await shopper(world, 'marker@example.com', shop.regionCode);
        const markerOrder = await placeOrder(marker.accessToken);
        await call(api(`/orders/orders/${markerOrder.id}/checkout`), {
          body: { card: GOOD_CARD },
          token: marker.accessToken,
        });
        await eventually(async () => {
          const reply = await call(api('/notifications/notifications'), { token: marker.accessToken });
          return reply.body.items.length > 0 ? true : undefined;
        });
        const rows = await rowsOf<{ n: number }>(
          world.notificationsDb,
          'select count(*) as n from notifications where user_id = ?',
          [buyer.id],
        );
        expect(Number(rows[0]!.n)).toBe(1);

        const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
        await consumer.connect();
        await consumer.subscribe({ topic: world.deadLetterTopic, fromBeginning: true });
        const reason = await new Promise<string>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message }) =>
              resolve(String(message.headers?.['dead-letter-reason'] ?? '')),
          });
        });
        await consumer.disconnect();
        expect(reason).toBe('not JSON');
        const events = await expectOneNotificationPerOrderPaid(world);
        const orders = await expectOneChargePerOrder(world);
        return {
          checked: `one notification per OrderPaid (${events}); junk dead-lettered; one charge per order (${orders})`,
          rowsCompared: events + orders,
        };
      },
    );
  });

  it('the PSP charges and answers too late: one charge, the order paid, one OrderPaid', async () => {
    await scenario(
      {
        scenario: '6. PSP times out after it charged',
        fault: 'capture answered after the timeout; once with its webhook racing the retry',
      },
      async () => {
        const buyer = await shopper(world, 'late-psp@example.com', shop.regionCode);

        // The answer is lost; the retry under the same key finds the capture already made.
        const plain = await placeOrder(buyer.accessToken);
        const first = await call(api(`/orders/orders/${plain.id}/checkout`), {
          body: { card: CAPTURE_THEN_TIMEOUT_CARD },
          token: buyer.accessToken,
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        expect(await orderStatus(buyer.accessToken, plain.id)).toBe('paid');

        // The answer is lost and the PSP's webhook reports the capture before payments asks again.
        const raced = await placeOrder(buyer.accessToken);
        const checkout = call(api(`/orders/orders/${raced.id}/checkout`), {
          body: { card: CAPTURE_THEN_TIMEOUT_CARD },
          token: buyer.accessToken,
        });
        const reference = await eventually(async () => {
          const rows = await rowsOf<{ psp_reference: string }>(
            world.paymentsDb,
            'select psp_reference from payments where order_id = ?',
            [raced.id],
          );
          return rows[0]?.psp_reference;
        });
        const charged = await eventually(async () => {
          const a = await call(`${world.pspUrl}/v1/authorizations/${reference}`);
          return a.body.status === 'captured' ? a.body : undefined;
        });
        const event = JSON.stringify({
          id: `evt_${randomUUID()}`,
          type: 'payment.captured',
          createdAt: new Date().toISOString(),
          data: { reference, capturedAmount: charged.capturedAmount, refundedAmount: '0.00' },
        });
        const webhook = await fetch(`${world.paymentsUrl}/webhooks/psp`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'psp-signature': signWebhook(WEBHOOK_SECRET, event),
          },
          body: event,
        });
        expect(webhook.status).toBe(200);
        const second = await checkout;
        expect(second.status, JSON.stringify(second.body)).toBe(200);
        expect(await orderStatus(buyer.accessToken, raced.id)).toBe('paid');

        for (const order of [plain, raced]) {
          const [payment] = await rowsOf<{ psp_reference: string; status: string }>(
            world.paymentsDb,
            'select psp_reference, status from payments where order_id = ?',
            [order.id],
          );
          expect(payment!.status).toBe('succeeded');
          const atPsp = await call(`${world.pspUrl}/v1/authorizations/${payment!.psp_reference}`);
          expect(atPsp.body.capturedAmount, `captured at the PSP for order ${order.id}`).toBe(
            order.totalAmount,
          );
          const outbox = await rowsOf<{ n: number }>(
            world.ordersDb,
            "select count(*) as n from outbox where aggregate_id = ? and event_type = 'OrderPaid'",
            [order.id],
          );
          expect(Number(outbox[0]!.n), `OrderPaid events for order ${order.id}`).toBe(1);
        }
        const orders = await expectOneChargePerOrder(world);
        const events = await expectOneNotificationPerOrderPaid(world);
        return {
          checked: `2 late answers: each order paid, captured once at the PSP; one charge per order (${orders}); one notification per OrderPaid (${events})`,
          rowsCompared: orders + events,
        };
      },
    );
  });
});
