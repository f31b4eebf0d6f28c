import { randomUUID } from 'node:crypto';
import { destination } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrders } from '../../services/orders/build.ts';
import { ordersSettings } from '../../services/orders/settings.ts';
import { signWebhook } from '../../services/psp-simulator/webhook-sender.ts';
import { loadSettings } from '../../services/shared/index.ts';
import { call, readLog, rowsOf } from './service-fixtures.ts';
import {
  GOOD_CARD,
  SERVICE_KEY,
  type ShopWorld,
  shopper,
  startShopWorld,
  stockTheShop,
  WEBHOOK_SECRET,
} from './shop-fixtures.ts';

let world: ShopWorld & { closeShop(): Promise<void> };
let shop: Awaited<ReturnType<typeof stockTheShop>>;
beforeAll(async () => {
  world = await startShopWorld();
  shop = await stockTheShop(world, 'co');
}, 120_000);
afterAll(async () => {
  await world?.closeShop();
});

const api = (path: string) => `${world.shopUrl}/api${path}`;
const twoItems = () => ({
  items: [
    { productId: shop.products[0]!.id, quantity: 1 },
    { productId: shop.products[1]!.id, quantity: 2 },
  ],
});

async function placeOrder(token: string, body: unknown = twoItems(), key?: string) {
  return call(api('/orders/orders'), {
    body,
    token,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
}

describe('orders, payments and notifications', () => {
  it('prices an order at catalog prices with the discount spread over the lines', async () => {
    const buyer = await shopper(world, 'pricing@example.com', shop.regionCode);
    const placed = await placeOrder(buyer.accessToken, { ...twoItems(), discountCode: shop.discountCode });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    // 1000.00 + 2 × 250.50 = 1501.00; 10% = 150.10
    expect(placed.body).toMatchObject({
      status: 'pending_payment',
      subtotalAmount: '1501.00',
      discountAmount: '150.10',
      totalAmount: '1350.90',
      discountCode: shop.discountCode,
      managerId: shop.managerEmployeeId,
    });
    const lines = await rowsOf<{ gross: string; discount: string }>(
      world.ordersDb,
      'select quantity * unit_price as gross, discount_amount as discount from order_items where order_id = ? order by id',
      [placed.body.id],
    );
    const net = lines.reduce(
      (sum, l) => sum + Math.round(Number(l.gross) * 100) - Math.round(Number(l.discount) * 100),
      0,
    );
    expect(net).toBe(135_090);
  });

  it('replays order creation and checkout under the same key: one order, one charge; another body is 422', async () => {
    const buyer = await shopper(world, 'replay@example.com', shop.regionCode);
    const key = randomUUID();
    const first = await placeOrder(buyer.accessToken, twoItems(), key);
    const again = await placeOrder(buyer.accessToken, twoItems(), key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await placeOrder(
      buyer.accessToken,
      { items: [{ productId: shop.products[0]!.id, quantity: 5 }] },
      key,
    );
    expect(other.status).toBe(422);
    const orders = await rowsOf<{ n: number }>(
      world.ordersDb,
      'select count(*) as n from orders where customer_id = ?',
      [buyer.customerId],
    );
    expect(Number(orders[0]!.n)).toBe(1);

    const checkoutKey = randomUUID();
    const pay = () =>
      call(api(`/orders/orders/${first.body.id}/checkout`), {
        body: { card: GOOD_CARD },
        token: buyer.accessToken,
        headers: { 'idempotency-key': checkoutKey },
      });
    const paid = await pay();
    const replayed = await pay();
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(paid.body);
    const charges = await rowsOf<{ n: number }>(
      world.paymentsDb,
      'select count(*) as n from payments where order_id = ?',
      [first.body.id],
    );
    expect(Number(charges[0]!.n)).toBe(1);
  });

  it('charges once when two checkouts of one order race', async () => {
    const buyer = await shopper(world, 'race@example.com', shop.regionCode);
    const placed = await placeOrder(buyer.accessToken);
    const replies = await Promise.all(
      [1, 2, 3].map((i) =>
        call(api(`/orders/orders/${placed.body.id}/checkout`), {
          body: { card: GOOD_CARD },
          token: buyer.accessToken,
          headers: { 'idempotency-key': `race-${i}-${randomUUID()}` },
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const charges = await rowsOf<{ n: number; captured: string }>(
      world.paymentsDb,
      "select count(*) as n, sum(captured_amount) as captured from payments where order_id = ? and status = 'succeeded'",
      [placed.body.id],
    );
    expect(Number(charges[0]!.n)).toBe(1);
    expect(charges[0]!.captured).toBe(placed.body.totalAmount);
  });

  it('refuses a declined card with 402 and leaves the order unpaid', async () => {
    const buyer = await shopper(world, 'declined@example.com', shop.regionCode);
    const placed = await placeOrder(buyer.accessToken);
    for (const [number, error] of [
      ['4000000000000002', 'card_declined'],
      ['4000000000009995', 'insufficient_funds'],
    ] as const) {
      const declined = await call(api(`/orders/orders/${placed.body.id}/checkout`), {
        body: { card: { ...GOOD_CARD, number } },
        token: buyer.accessToken,
      });
      expect(declined.status).toBe(402);
      expect(declined.body.error).toBe(error);
    }
    const timedOut = await call(api(`/orders/orders/${placed.body.id}/checkout`), {
      body: { card: { ...GOOD_CARD, number: '4000000000000119' } },
      token: buyer.accessToken,
    });
    expect(timedOut.status).toBe(503);
    const order = await call(api(`/orders/orders/${placed.body.id}`), { token: buyer.accessToken });
    expect(order.body.status).toBe('pending_payment');
  });

  it("answers 404 for another customer's order, and lets the customer's manager see it", async () => {
    const owner = await shopper(world, 'owner@example.com', shop.regionCode);
    const other = await shopper(world, 'nosy@example.com', shop.regionCode);
    const placed = await placeOrder(owner.accessToken);
    const nosy = await call(api(`/orders/orders/${placed.body.id}`), { token: other.accessToken });
    expect(nosy.status).toBe(404);
    const nosyPay = await call(api(`/orders/orders/${placed.body.id}/checkout`), {
      body: { card: GOOD_CARD },
      token: other.accessToken,
    });
    expect(nosyPay.status).toBe(404);
    const listed = await call(api('/orders/orders'), { token: other.accessToken });
    expect(listed.body.items.map((o: { id: number }) => o.id)).not.toContain(placed.body.id);
    const manager = await call(api(`/orders/orders/${placed.body.id}`), { token: shop.manager.accessToken });
    expect(manager.status).toBe(200);
  });

  it('refuses illegal status moves with 409', async () => {
    const buyer = await shopper(world, 'moves@example.com', shop.regionCode);
    const placed = await placeOrder(buyer.accessToken);
    const ship = await call(api(`/orders/orders/${placed.body.id}/status`), {
      body: { status: 'shipped' },
      token: shop.manager.accessToken,
    });
    expect(ship.status).toBe(409);
    const cancel = await call(api(`/orders/orders/${placed.body.id}/status`), {
      body: { status: 'cancelled' },
      token: buyer.accessToken,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    const pay = await call(api(`/orders/orders/${placed.body.id}/checkout`), {
      body: { card: GOOD_CARD },
      token: buyer.accessToken,
    });
    expect(pay.status).toBe(409);
  });

  it('answers 503 and writes no order when the catalog is down', async () => {
    const buyer = await shopper(world, 'nocatalog@example.com', shop.regionCode);
    const orphan = await buildOrders(
      loadSettings(ordersSettings, {
        ...world.ordersEnv,
        CATALOG_URL: 'http://127.0.0.1:9',
        CATALOG_TIMEOUT_MS: '200',
        OUTBOX_RELAY: 'false',
        LOG_LEVEL: 'silent',
      }),
      { logStream: destination({ dest: world.logFile, sync: true }) },
    );
    try {
      const reply = await orphan.inject({
        method: 'POST',
        url: '/orders',
        headers: { authorization: `Bearer ${buyer.accessToken}` },
        payload: twoItems(),
      });
      expect(reply.statusCode).toBe(503);
      expect(reply.json()).toMatchObject({ error: 'catalog_unavailable' });
    } finally {
      await orphan.close();
    }
    const rows = await rowsOf<{ n: number }>(
      world.ordersDb,
      'select count(*) as n from orders where customer_id = ?',
      [buyer.customerId],
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('refuses a capture above the authorized amount and a refund above the captured one', async () => {
    const service = { 'x-service-key': SERVICE_KEY };
    const authorized = await call(`${world.paymentsUrl}/payments/authorize`, {
      body: { orderId: 999_001, amount: '100.00', currency: 'UAH', card: GOOD_CARD },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    expect(authorized.status).toBe(201);
    const id = authorized.body.id;
    const over = await call(`${world.paymentsUrl}/payments/${id}/capture`, {
      body: { amount: '100.01' },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    expect(over.status).toBe(422);
    const capture = await call(`${world.paymentsUrl}/payments/${id}/capture`, {
      body: { amount: '60.00' },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    expect(capture.body).toMatchObject({ status: 'succeeded', capturedAmount: '60.00' });
    const refundOver = await call(`${world.paymentsUrl}/payments/${id}/refund`, {
      body: { amount: '60.01' },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    expect(refundOver.status).toBe(422);
    const refund = await call(`${world.paymentsUrl}/payments/${id}/refund`, {
      body: { amount: '60.00' },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    expect(refund.body).toMatchObject({ status: 'refunded', refundedAmount: '60.00' });
    const noKey = await call(`${world.paymentsUrl}/payments/${id}/refund`, {
      body: { amount: '1.00' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(noKey.status).toBe(401);
    const [row] = await rowsOf<Record<string, string>>(
      world.paymentsDb,
      'select * from payments where id = ?',
      [id],
    );
    expect(row).toMatchObject({
      authorized_amount: '100.00',
      captured_amount: '60.00',
      refunded_amount: '60.00',
    });
  });

  it('refuses webhooks with a bad signature or a stale timestamp; one seen twice changes nothing', async () => {
    const service = { 'x-service-key': SERVICE_KEY };
    const authorized = await call(`${world.paymentsUrl}/payments/authorize`, {
      body: { orderId: 999_002, amount: '50.00', currency: 'UAH', card: GOOD_CARD },
      headers: { ...service, 'idempotency-key': randomUUID() },
    });
    const reference = authorized.body.pspReference as string;
    const event = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.captured',
      createdAt: new Date().toISOString(),
      data: { reference, capturedAmount: '50.00', refundedAmount: '0.00' },
    });
    const post = (signature: string, body = event) =>
      fetch(`${world.paymentsUrl}/webhooks/psp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'psp-signature': signature },
        body,
      });
    expect((await post(signWebhook('a-different-secret-xyz', event))).status).toBe(401);
    expect(
      (await post(signWebhook(WEBHOOK_SECRET, event, Math.floor(Date.now() / 1000) - 3600))).status,
    ).toBe(401);
    expect((await post(signWebhook(WEBHOOK_SECRET, event), event.replace('50.00', '99.00'))).status).toBe(
      401,
    );
    const [before] = await rowsOf<Record<string, string>>(
      world.paymentsDb,
      'select captured_amount from payments where psp_reference = ?',
      [reference],
    );
    expect(before!.captured_amount).toBe('0.00');
    const good = await post(signWebhook(WEBHOOK_SECRET, event));
    expect(await good.json()).toEqual({ received: true, duplicate: false });
    const twice = await post(signWebhook(WEBHOOK_SECRET, event));
    expect(await twice.json()).toEqual({ received: true, duplicate: true });
    const [after] = await rowsOf<Record<string, string>>(
      world.paymentsDb,
      'select captured_amount from payments where psp_reference = ?',
      [reference],
    );
    expect(after!.captured_amount).toBe('50.00');
    const events = await rowsOf<{ n: number }>(
      world.paymentsDb,
      'select count(*) as n from psp_events where psp_reference = ?',
      [reference],
    );
    expect(Number(events[0]!.n)).toBe(1);
  });

  it('keeps card numbers out of every table and every log line', async () => {
    const numbers = ['4242424242424242', '4000000000000002', '4000000000009995'];
    const log = readLog(world);
    for (const n of numbers) expect(log).not.toContain(n);
    for (const [pool, db] of [
      [world.ordersDb, 'orders'],
      [world.paymentsDb, 'payments'],
      [world.notificationsDb, 'notifications'],
    ] as const) {
      const tables = await rowsOf<{ name: string }>(
        pool,
        'select table_name as name from information_schema.tables where table_schema = database()',
      );
      for (const { name } of tables) {
        const rows = await rowsOf<Record<string, unknown>>(pool, `select * from \`${name}\``);
        const text = JSON.stringify(rows);
        for (const n of numbers) expect(text, `${db}.${name}`).not.toContain(n);
      }
    }
    const [stored] = await rowsOf<{ n: number }>(
      world.paymentsDb,
      "select count(*) as n from payments where card_last4 = '4242' and card_token like 'tok_%'",
    );
    expect(Number(stored!.n)).toBeGreaterThan(0);
  });
});
