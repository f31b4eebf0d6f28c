import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../services/psp-simulator/webhook-sender.ts';
import { call, rowsOf } from './service-fixtures.ts';
import {
  eventually,
  GOOD_CARD,
  type ShopWorld,
  shopper,
  startShopWorld,
  stockTheShop,
  WEBHOOK_SECRET,
} from './shop-fixtures.ts';

/** The simulator's card whose first refund is made, then answered after payments' PSP timeout. */
const REFUND_THEN_TIMEOUT_CARD = { ...GOOD_CARD, number: '4000000000000267' };

let world: ShopWorld & { closeShop(): Promise<void> };
let shop: Awaited<ReturnType<typeof stockTheShop>>;
beforeAll(async () => {
  world = await startShopWorld();
  shop = await stockTheShop(world, 'pr');
}, 120_000);
afterAll(async () => {
  await world?.closeShop();
});

const api = (path: string) => `${world.shopUrl}/api${path}`;

async function paidOrder(email: string, card = GOOD_CARD) {
  const buyer = await shopper(world, email, shop.regionCode);
  // 1000.00 + 250.50 = 1250.50
  const placed = await call(api('/orders/orders'), {
    body: { items: shop.products.map((p) => ({ productId: p.id, quantity: 1 })) },
    token: buyer.accessToken,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const paid = await call(api(`/orders/orders/${placed.body.id}/checkout`), {
    body: { card },
    token: buyer.accessToken,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return { token: buyer.accessToken, orderId: placed.body.id as number };
}

const refund = (orderId: number, token: string, body: unknown, key: string) =>
  call(api(`/orders/orders/${orderId}/refund`), { body, token, headers: { 'idempotency-key': key } });

async function amounts(orderId: number) {
  const [row] = await rowsOf<{ captured_amount: string; refunded_amount: string; status: string }>(
    world.paymentsDb,
    'select captured_amount, refunded_amount, status from payments where order_id = ?',
    [orderId],
  );
  const [order] = await rowsOf<{ status: string }>(world.ordersDb, 'select status from orders where id = ?', [
    orderId,
  ]);
  return { ...row, order: order!.status };
}

const refundEvents = async (orderId: number) =>
  (
    await rowsOf<{ n: number }>(
      world.ordersDb,
      "select count(*) as n from outbox where event_type = 'OrderRefunded' and aggregate_id = ?",
      [String(orderId)],
    )
  )[0]!.n;

describe('partial refunds through the gateway', () => {
  it('refunds in parts: the order stays paid until nothing is left; a replay refunds nothing twice', async () => {
    const { token, orderId } = await paidOrder('parts@example.com');
    const first = await refund(orderId, token, { amount: '100.00', reason: 'one broken' }, 'refund-1');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('paid');
    expect(await amounts(orderId)).toEqual({
      captured_amount: '1250.50',
      refunded_amount: '100.00',
      status: 'succeeded',
      order: 'paid',
    });

    const replay = await refund(orderId, token, { amount: '100.00', reason: 'one broken' }, 'refund-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const otherBody = await refund(orderId, token, { amount: '5.00' }, 'refund-1');
    expect(otherBody.status).toBe(422);
    expect((await amounts(orderId)).refunded_amount).toBe('100.00');

    const second = await refund(orderId, token, { amount: '0.50' }, 'refund-2');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect((await amounts(orderId)).refunded_amount).toBe('100.50');

    // The rest, without an amount: now the order is refunded.
    const rest = await refund(orderId, token, {}, 'refund-3');
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(rest.body.status).toBe('refunded');
    expect(await amounts(orderId)).toEqual({
      captured_amount: '1250.50',
      refunded_amount: '1250.50',
      status: 'refunded',
      order: 'refunded',
    });
    expect(await refundEvents(orderId)).toBe(3);
    const after = await refund(orderId, token, { amount: '1.00' }, 'refund-4');
    expect(after.status).toBe(409);
  });

  it('refuses more than is left with 4xx naming body.amount, and a bad amount with 400, changing nothing', async () => {
    const { token, orderId } = await paidOrder('over@example.com');
    expect((await refund(orderId, token, { amount: '1000.00' }, 'over-1')).status).toBe(200);
    const over = await refund(orderId, token, { amount: '250.51' }, 'over-2');
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ details: { field: 'body.amount' } });
    expect(over.body.message).toContain('250.50 can still be refunded');
    for (const amount of ['0', '-5.00', '1.234', 'ten']) {
      const bad = await refund(orderId, token, { amount }, `bad-${amount}`);
      expect(bad.status, amount).toBe(400);
      expect(JSON.stringify(bad.body), amount).toContain('amount');
    }
    expect(await amounts(orderId)).toEqual({
      captured_amount: '1250.50',
      refunded_amount: '1000.00',
      status: 'succeeded',
      order: 'paid',
    });
    expect(await refundEvents(orderId)).toBe(1);
  });

  it("the PSP refunds and answers too late, its webhook first: refunded once, our amounts are the PSP's", async () => {
    const { token, orderId } = await paidOrder('late-refund@example.com', REFUND_THEN_TIMEOUT_CARD);
    const [payment] = await rowsOf<{ psp_reference: string }>(
      world.paymentsDb,
      'select psp_reference from payments where order_id = ?',
      [orderId],
    );
    const reference = payment!.psp_reference;
    // The whole amount back; payments' first call to the PSP times out after the PSP refunded.
    const refunding = refund(orderId, token, {}, 'late-1');
    const atPsp = await eventually(async () => {
      const a = await call(`${world.pspUrl}/v1/authorizations/${reference}`);
      return a.body.status === 'refunded' ? a.body : undefined;
    });
    // The PSP's webhook reports the refund before payments asks again (it waits for the payment's
    // row lock, which the timed-out attempt holds until it rolls back, then counts the refund).
    const event = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.refunded',
      createdAt: new Date().toISOString(),
      data: { reference, capturedAmount: atPsp.capturedAmount, refundedAmount: atPsp.refundedAmount },
    });
    const webhook = await fetch(`${world.paymentsUrl}/webhooks/psp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'psp-signature': signWebhook(WEBHOOK_SECRET, event) },
      body: event,
    });
    expect(webhook.status).toBe(200);
    const refunded = await refunding;
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    expect(await amounts(orderId)).toEqual({
      captured_amount: '1250.50',
      refunded_amount: '1250.50',
      status: 'refunded',
      order: 'refunded',
    });
    const after = await call(`${world.pspUrl}/v1/authorizations/${reference}`);
    expect(after.body.refundedAmount, 'refunded once at the PSP').toBe('1250.50');
    expect(await refundEvents(orderId)).toBe(1);
  });
});
