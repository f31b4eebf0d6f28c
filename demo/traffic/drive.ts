import { z } from 'zod';

/** What one traffic run did; `--json` prints it as is. */
export interface TrafficResult {
  journeys: number;
  requests: number;
  errors: number;
  paidOrders: number[];
  declined: number;
  refunded: number;
  discounted: number;
  reassigned: number;
  firstError?: string;
  seconds: number;
}

export interface TrafficOptions {
  baseUrl: string;
  customers: number;
  minutes: number;
  /**
   * An admin's access token, when the caller has one: the run then creates a discount code some
   * customers use, and reassigns some customers to one of `managerIds`. Without it those steps are
   * skipped, since the API has no other way to make either.
   */
  staff?: { adminToken: string; managerIds: number[] };
  /** Called about once a second with the figures so far. */
  progress?: (so: TrafficResult) => void;
}

const listReply = z.object({ items: z.array(z.object({ id: z.number() }).passthrough()) });
const loginReply = z.object({ accessToken: z.string() });
const orderReply = z.object({ id: z.number(), status: z.string() }).passthrough();

// Mostly the card that succeeds; some declines so the warehouse sees failed payments too.
const CARDS = [
  '4242424242424242',
  '4242424242424242',
  '4242424242424242',
  '4242424242424242',
  '4000000000000002',
];

/** Only loopback: this driver writes orders and must never reach a shared or remote shop. */
export function assertLoopback(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost')
    throw new Error(`traffic goes only to 127.0.0.1, not ${host}`);
}

/** Runs `customers` journeys, a few at a time, and stops when they are done or the minutes are up. */
export async function driveTraffic(options: TrafficOptions): Promise<TrafficResult> {
  assertLoopback(options.baseUrl);
  const started = Date.now();
  const deadline = started + options.minutes * 60_000;
  const result: TrafficResult = {
    journeys: 0,
    requests: 0,
    errors: 0,
    paidOrders: [],
    declined: 0,
    refunded: 0,
    discounted: 0,
    reassigned: 0,
    seconds: 0,
  };
  const call = async (path: string, body?: unknown, token?: string, key?: string) => {
    result.requests += 1;
    const response = await fetch(`${options.baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 500) result.errors += 1;
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const callPut = async (path: string, body: unknown, token: string) => {
    result.requests += 1;
    const response = await fetch(`${options.baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    await response.text();
    if (response.status >= 500) result.errors += 1;
    return response.status;
  };
  const tag = started.toString(36);
  const regions = listReply.parse((await call('/api/orders/regions')).body).items;
  const products = listReply.parse((await call('/api/catalog/products')).body).items;
  if (regions.length === 0 || products.length === 0)
    throw new Error('the shop has no regions or no products yet');
  const staff = options.staff;
  const discountCode = `TRAFFIC-${tag.toUpperCase()}`;
  if (staff) {
    const created = await call(
      '/api/orders/discounts',
      { code: discountCode, kind: 'percent', value: '5.00' },
      staff.adminToken,
    );
    if (created.status !== 201)
      throw new Error(`discount code: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const ticker = setInterval(() => {
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    options.progress?.(result);
  }, 1000);
  let next = 0;
  const worker = async () => {
    while (next < options.customers && Date.now() < deadline) {
      const n = next++;
      try {
        await journey(n);
      } catch (error) {
        result.errors += 1;
        // The first failure is enough to tell what went wrong; the rest are counted.
        result.firstError ??= String(error);
      }
      result.journeys += 1;
    }
  };
  const journey = async (n: number) => {
    const email = `traffic-${tag}-${n}@example.com`;
    const password = `traffic password ${tag} ${n}`;
    await call('/api/auth/register', { email, password });
    const token = loginReply.parse((await call('/api/auth/login', { email, password })).body).accessToken;
    const region = regions[n % regions.length] as { code?: string };
    const profile = await call(
      '/api/orders/customers/me',
      { fullName: `Traffic Customer ${n}`, regionCode: region.code },
      token,
    );
    await call('/api/catalog/products?sort=price');
    const count = 1 + (n % 3);
    const items = Array.from({ length: count }, (_, i) => ({
      productId: (products[(n + i) % products.length] as { id: number }).id,
      quantity: 1 + ((n + i) % 2),
    }));
    const discounted = staff !== undefined && n % 3 === 0;
    const placed = await call(
      '/api/orders/orders',
      discounted ? { items, discountCode } : { items },
      token,
      `traffic-${tag}-${n}-order`,
    );
    if (placed.status !== 201) return;
    const order = orderReply.parse(placed.body);
    if (discounted) result.discounted += 1;
    const number = CARDS[n % CARDS.length] as string;
    const paid = await call(
      `/api/orders/orders/${order.id}/checkout`,
      { card: { number, expMonth: 12, expYear: 2030, cvc: '123' } },
      token,
      `traffic-${tag}-${n}-checkout`,
    );
    if (paid.status !== 200) {
      result.declined += 1;
      return;
    }
    result.paidOrders.push(order.id);
    if (n % 7 === 6) {
      const refund = await call(`/api/orders/orders/${order.id}/refund`, { reason: 'traffic refund' }, token);
      if (refund.status === 200) result.refunded += 1;
    }
    // After the order, so the warehouse has to keep the order on the customer's earlier version.
    const managerId = staff?.managerIds[n % staff.managerIds.length];
    if (staff && managerId !== undefined && n % 4 === 1) {
      const customerId = z.object({ id: z.number() }).parse(profile.body).id;
      const moved = await callPut(
        `/api/orders/customers/${customerId}/manager`,
        { managerId },
        staff.adminToken,
      );
      if (moved === 200) result.reassigned += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(4, options.customers) }, worker));
  } finally {
    clearInterval(ticker);
  }
  result.seconds = Math.round((Date.now() - started) / 100) / 10;
  return result;
}
