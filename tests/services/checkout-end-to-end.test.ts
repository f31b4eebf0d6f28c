import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureParts } from '../infra/ensure-parts.ts';
import { type PrivateNginx, startPrivateNginx } from './private-nginx.ts';
import { rowsOf } from './service-fixtures.ts';
import { eventually, GOOD_CARD, type ShopWorld, startShopWorld, stockTheShop } from './shop-fixtures.ts';

let world: ShopWorld & { closeShop(): Promise<void> };
let nginx: PrivateNginx;
let shop: Awaited<ReturnType<typeof stockTheShop>>;
beforeAll(async () => {
  await ensureParts('nginx');
  world = await startShopWorld();
  shop = await stockTheShop(world, 'e2e');
  nginx = await startPrivateNginx(world.shopUrl, mkdtempSync(join(tmpdir(), 'techmarket-nginx-')));
}, 120_000);
afterAll(async () => {
  await nginx?.stop();
  await world?.closeShop();
});

/** A call through nginx over TLS, trusting only the certificate nginx was given. */
function viaNginx(
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies loosely and assert on them
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port: nginx.httpsPort,
        servername: 'localhost',
        ca: nginx.certificate,
        path,
        method: payload === undefined ? 'GET' : 'POST',
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('checkout through nginx (TLS) and the gateway, on real MariaDB and Kafka', () => {
  it('register → login → browse → order two products with a discount → checkout → paid → one notification → refund', async () => {
    const email = 'buyer-e2e@example.com';
    const password = 'buyer correct horse battery';
    expect((await viaNginx('/api/auth/register', { body: { email, password } })).status).toBe(202);
    const login = await viaNginx('/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;

    const browse = await viaNginx('/api/catalog/products?sort=price');
    expect(browse.status).toBe(200);
    const ids = browse.body.items.map((p: { id: number }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(shop.products.map((p) => p.id)));

    const profile = await viaNginx('/api/orders/customers/me', {
      body: { fullName: 'E2E Buyer', regionCode: shop.regionCode, city: 'Kyiv' },
      token,
    });
    expect(profile.status).toBe(201);
    expect(profile.body).toMatchObject({ email, managerId: shop.managerEmployeeId });

    const placed = await viaNginx('/api/orders/orders', {
      body: {
        items: [
          { productId: shop.products[0]!.id, quantity: 2 },
          { productId: shop.products[1]!.id, quantity: 1 },
        ],
        discountCode: shop.discountCode,
      },
      token,
      headers: { 'idempotency-key': 'e2e-order-1' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    // 2 × 1000.00 + 250.50 = 2250.50; 10% = 225.05
    expect(placed.body).toMatchObject({
      subtotalAmount: '2250.50',
      discountAmount: '225.05',
      totalAmount: '2025.45',
    });
    const orderId = placed.body.id as number;

    const paid = await viaNginx(`/api/orders/orders/${orderId}/checkout`, {
      body: { card: GOOD_CARD },
      token,
      headers: { 'idempotency-key': 'e2e-checkout-1' },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid' });
    expect(paid.body.paidAt).not.toBeNull();
    const [payment] = await rowsOf<Record<string, string>>(
      world.paymentsDb,
      'select * from payments where order_id = ?',
      [orderId],
    );
    expect(payment).toMatchObject({
      status: 'succeeded',
      authorized_amount: '2025.45',
      captured_amount: '2025.45',
      card_last4: '4242',
    });
    expect(Number(payment!.id)).toBe(paid.body.paymentId);

    // A notification is listed as soon as it is queued; the mail goes out a moment later.
    const notifications = await eventually(async () => {
      const reply = await viaNginx('/api/notifications/notifications', { token });
      const items = reply.body.items;
      return items.length > 0 && items.every((n: { status: string }) => n.status !== 'queued')
        ? items
        : undefined;
    });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ eventType: 'OrderPaid', recipient: email, status: 'sent' });
    const [outbox] = await rowsOf<{ event_id: string; published_at: string | null }>(
      world.ordersDb,
      "select event_id, published_at from outbox where aggregate_id = ? and event_type = 'OrderPaid'",
      [orderId],
    );
    expect(outbox!.published_at).not.toBeNull();
    expect(notifications[0].eventId).toBe(outbox!.event_id);
    const processed = await rowsOf<{ n: number }>(
      world.notificationsDb,
      'select count(*) as n from processed_events where event_id = ?',
      [outbox!.event_id],
    );
    expect(Number(processed[0]!.n)).toBe(1);

    const refunded = await viaNginx(`/api/orders/orders/${orderId}/refund`, {
      body: { reason: 'changed my mind' },
      token,
    });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    const [after] = await rowsOf<Record<string, string>>(
      world.paymentsDb,
      'select * from payments where order_id = ?',
      [orderId],
    );
    expect(after).toMatchObject({
      status: 'refunded',
      captured_amount: '2025.45',
      refunded_amount: '2025.45',
    });
    const [order] = await rowsOf<Record<string, string>>(
      world.ordersDb,
      'select status, total_amount from orders where id = ?',
      [orderId],
    );
    expect(order).toEqual({ status: 'refunded', total_amount: after!.refunded_amount });
    const again = await viaNginx(`/api/orders/orders/${orderId}/refund`, { body: {}, token });
    expect(again.status).toBe(409);
  });
});
