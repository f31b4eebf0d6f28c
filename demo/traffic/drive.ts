import { Agent, fetch } from 'undici';
import { z } from 'zod';

/** What one traffic run did; `--json` prints it as is. */
export interface TrafficResult {
  journeys: number;
  requests: number;
  errors: number;
  paidOrders: number[];
  declined: number;
  refunded: number;
  /** Paid orders given back in part (they stay paid). */
  partiallyRefunded: number;
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
   * The certificate (PEM) to trust for an https `baseUrl`, e.g. nginx's self-signed one: trusted by
   * this run's own connections only, never by the rest of the process.
   */
  ca?: string | Buffer;
  /**
   * An admin's login (`techmarket services admin create` makes the first): the run then creates a
   * discount code some customers use, and reassigns some customers to the active sales managers.
   * Without it those steps are skipped, since the API has no other way to make either.
   */
  admin?: { email: string; password: string };
  /** Called about once a second with the figures so far. */
  progress?: (so: TrafficResult) => void;
}

const listReply = z.object({ items: z.array(z.object({ id: z.number() }).passthrough()) });
const loginReply = z.object({ accessToken: z.string() });
const employeesReply = z.object({ items: z.array(z.object({ id: z.number(), active: z.boolean() })) });
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
  const result: TrafficResult = {
    journeys: 0,
    requests: 0,
    errors: 0,
    paidOrders: [],
    declined: 0,
    refunded: 0,
    partiallyRefunded: 0,
    discounted: 0,
    reassigned: 0,
    seconds: 0,
  };
  // Keep-alive connections of this run's own, trusting `ca` when given (and nothing process-wide).
  const dispatcher = new Agent(options.ca === undefined ? {} : { connect: { ca: options.ca } });
  const call = async (path: string, body?: unknown, token?: string, key?: string) => {
    result.requests += 1;
    const response = await fetch(`${options.baseUrl}${path}`, {
      dispatcher,
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
      dispatcher,
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    await response.text();
    if (response.status >= 500) result.errors += 1;
    return response.status;
  };
  try {
    return await driveWith(options, result, call, callPut);
  } finally {
    await dispatcher.close();
  }
}

type Call = (
  path: string,
  body?: unknown,
  token?: string,
  key?: string,
) => Promise<{ status: number; body: unknown }>;
type CallPut = (path: string, body: unknown, token: string) => Promise<number>;

/** The admin's token and the active sales managers, or undefined when no admin login was given. */
async function staffOf(
  admin: TrafficOptions['admin'],
  call: Call,
): Promise<{ adminToken: string; managerIds: number[] } | undefined> {
  if (!admin) return undefined;
  const login = await call('/api/auth/login', admin);
  if (login.status !== 200) throw new Error(`admin login ${admin.email}: ${login.status}`);
  const adminToken = loginReply.parse(login.body).accessToken;
  const employees = await call('/api/orders/employees', undefined, adminToken);
  if (employees.status !== 200) throw new Error(`employees: ${employees.status}`);
  const managerIds = employeesReply
    .parse(employees.body)
    .items.filter((e) => e.active)
    .map((e) => e.id);
  return { adminToken, managerIds };
}

async function driveWith(
  options: TrafficOptions,
  result: TrafficResult,
  call: Call,
  callPut: CallPut,
): Promise<TrafficResult> {
  const started = Date.now();
  const deadline = started + options.minutes * 60_000;
  const tag = started.toString(36);
  const regions = listReply.parse((await call('/api/orders/regions')).body).items;
  const products = listReply.parse((await call('/api/catalog/products')).body).items;
  if (regions.length === 0 || products.length === 0)
    throw new Error('the shop has no regions or no products yet');
  const staff = await staffOf(options.admin, call);
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
      const refund = await call(
        `/api/orders/orders/${order.id}/refund`,
        { reason: 'traffic refund' },
        token,
        `traffic-${tag}-${n}-refund`,
      );
      if (refund.status === 200) result.refunded += 1;
    } else if (n % 7 === 3) {
      // A part back (one item returned, say): the order stays paid.
      const part = await call(
        `/api/orders/orders/${order.id}/refund`,
        { reason: 'traffic partial refund', amount: '10.00' },
        token,
        `traffic-${tag}-${n}-partial-refund`,
      );
      if (part.status === 200) result.partiallyRefunded += 1;
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
