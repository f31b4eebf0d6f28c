/**
 * `npm run bench:checkout [-- --seconds 20 --rates 100,200 --users 100]`: the checkout sequence of
 * issue #14 under a fixed arrival rate (open loop: a checkout starts on schedule whether or not the
 * earlier ones have finished, and its latency counts from its scheduled start, so a stall is not
 * hidden by the client waiting). The whole shop runs as separate processes on scratch databases and
 * a topic and consumer group of its own on the shared Kafka, behind a private nginx. Each virtual
 * user registers and logs in once; one checkout is `POST /orders` (two products) then
 * `POST /orders/{id}/checkout` (authorize + capture), through nginx (TLS) and through the gateway.
 * OrderPaid → notification is the notification row's `created_at` minus the order's `paid_at`, both
 * written by the same MariaDB server's clock. Prints figures; asserts nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from 'mysql2/promise';
import { Agent, fetch } from 'undici';
import { z } from 'zod';
import { sourceUrl } from '../core/config.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';
import { bootstrapAdmin } from '../services/auth/bootstrap-admin.ts';
import type { AuthDatabase } from '../services/auth/database.ts';
import { openDatabase } from '../services/shared/index.ts';
import { startPrivateNginx } from '../tests/services/private-nginx.ts';
import { freePort, loadAverage, percentile, serviceProcesses } from './service-processes.ts';

const argsSchema = z.object({
  seconds: z.coerce.number().int().min(2).max(300).default(20),
  rates: z
    .string()
    .default('100,200')
    .transform((t) => t.split(',').map(Number))
    .pipe(z.array(z.number().int().positive().max(2000)).min(1)),
  users: z.coerce.number().int().min(1).max(2000).default(100),
});
const parsed = argsSchema.safeParse(
  parseArgs({
    options: { seconds: { type: 'string' }, rates: { type: 'string' }, users: { type: 'string' } },
    strict: true,
  }).values,
);
if (!parsed.success) {
  const issue = parsed.error.issues[0]!;
  process.stderr.write(`bench:checkout: --${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const args = parsed.data;

const SERVICE_KEY = 'bench-service-key-0123456789';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const REQUEST_TIMEOUT_MS = 10_000;

interface CheckoutFigure {
  via: string;
  targetRate: number;
  achievedRate: number;
  checkouts: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  notified: number;
  notifyP50Ms: number;
  notifyP95Ms: number;
  notifyP99Ms: number;
  loadAverage: string;
}

const home = mkdtempSync(join(tmpdir(), 'techmarket-bench-checkout-'));
const scratch = await createScratch();
const processes = serviceProcesses(home, {
  JWKS_COOLDOWN_MS: '1000',
  // One client address drives every request here: the per-address limits would measure themselves.
  RATE_LIMIT_PER_ADDRESS: '10000000',
  RATE_LIMIT_PER_ACCOUNT: '10000000',
  GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
  LOG_STORE_URL: 'off',
});
const topic = `techmarket.orders.bench-${scratch.suffix}`;
let stopNginx: (() => Promise<void>) | undefined;
try {
  const db = (name: 'auth' | 'catalog' | 'orders' | 'payments' | 'notifications') =>
    sourceUrl(scratch.config, name);
  const authUrl = await processes.start('auth', { AUTH_DB_URL: db('auth') });
  const jwks = { AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json` };
  const catalogUrl = await processes.start('catalog', { ...jwks, CATALOG_DB_URL: db('catalog') });
  // payments first (it calls the PSP only per request), so the PSP's webhooks reach this bench's payments.
  const pspPort = await freePort();
  const paymentsUrl = await processes.start('payments', {
    ...jwks,
    PAYMENTS_DB_URL: db('payments'),
    PSP_URL: `http://127.0.0.1:${pspPort}`,
    PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PAYMENTS_SERVICE_KEY: SERVICE_KEY,
  });
  await processes.start(
    'psp-simulator',
    { ...jwks, PSP_WEBHOOK_URL: `${paymentsUrl}/webhooks/psp`, PSP_WEBHOOK_SECRET: WEBHOOK_SECRET },
    { port: pspPort },
  );
  const ordersUrl = await processes.start('orders', {
    ...jwks,
    ORDERS_DB_URL: db('orders'),
    AUTH_URL: authUrl,
    CATALOG_URL: catalogUrl,
    PAYMENTS_URL: paymentsUrl,
    PAYMENTS_SERVICE_KEY: SERVICE_KEY,
    ORDER_EVENTS_TOPIC: topic,
  });
  const notificationsUrl = await processes.start('notifications', {
    ...jwks,
    NOTIFICATIONS_DB_URL: db('notifications'),
    ORDER_EVENTS_TOPIC: topic,
    DEAD_LETTER_TOPIC: `${topic}.dead-letter`,
    CONSUMER_GROUP: `notifications-bench-${scratch.suffix}`,
  });
  const gatewayUrl = await processes.start('gateway', {
    ...jwks,
    AUTH_URL: authUrl,
    CATALOG_URL: catalogUrl,
    ORDERS_URL: ordersUrl,
    PAYMENTS_URL: paymentsUrl,
    NOTIFICATIONS_URL: notificationsUrl,
  });
  const nginx = await startPrivateNginx(gatewayUrl, join(home, 'nginx'));
  stopNginx = nginx.stop;
  const nginxUrl = `https://127.0.0.1:${nginx.httpsPort}`;
  const client = new Agent({ connections: 256, connect: { ca: nginx.certificate } });

  // biome-ignore lint/suspicious/noExplicitAny: a bench reads reply bodies loosely
  const send = async (url: string, body?: unknown, token?: string, key?: string): Promise<any> => {
    const response = await fetch(url, {
      dispatcher: client,
      method: body === undefined ? 'GET' : 'POST',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const must = (what: string, reply: { status: number; body: unknown }, status: number) => {
    if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { id: number; accessToken: string };
  };

  // The shop: an admin (the bootstrap operators use), a region, two products.
  const adminPassword = 'bench admin correct horse battery';
  const authDb = openDatabase<AuthDatabase>(db('auth'), { connectionLimit: 1 });
  await bootstrapAdmin(authDb, {
    email: 'admin@bench.example',
    password: adminPassword,
    policy: { minLength: 10, memoryKib: 19_456, timeCost: 2 },
  });
  await authDb.destroy();
  const api = `${gatewayUrl}/api`;
  const admin = must(
    'admin login',
    await send(`${api}/auth/login`, { email: 'admin@bench.example', password: adminPassword }),
    200,
  ).accessToken;
  must('region', await send(`${api}/orders/regions`, { code: 'UA-BENCH', name: 'Bench' }, admin), 201);
  const category = must(
    'category',
    await send(`${api}/catalog/categories`, { name: 'Bench', slug: 'bench' }, admin),
    201,
  );
  const productIds: number[] = [];
  for (const [i, price] of ['1000.00', '250.50'].entries()) {
    productIds.push(
      must(
        'product',
        await send(
          `${api}/catalog/products`,
          { sku: `BENCH-${i}`, name: `Bench product ${i}`, categoryId: category.id, price },
          admin,
        ),
        201,
      ).id,
    );
  }
  // Virtual users: each registers, logs in and makes its customer profile once.
  const tokens: string[] = [];
  for (let u = 0; u < args.users; u++) {
    const credentials = { email: `user-${u}@bench.example`, password: `bench user ${u} correct horse` };
    must('register', await send(`${api}/auth/register`, credentials), 202);
    const token = must('login', await send(`${api}/auth/login`, credentials), 200).accessToken;
    must(
      'profile',
      await send(`${api}/orders/customers/me`, { fullName: `Bench ${u}`, regionCode: 'UA-BENCH' }, token),
      201,
    );
    tokens.push(token);
  }

  let sequence = 0;
  /** One checkout: order two products, then pay; resolves to the order id when it is paid. */
  const checkout = async (base: string): Promise<number> => {
    const n = sequence++;
    const token = tokens[n % tokens.length]!;
    const order = await send(
      `${base}/api/orders/orders`,
      { items: productIds.map((productId) => ({ productId, quantity: 1 })) },
      token,
      `bench-${n}-order`,
    );
    if (order.status !== 201) throw new Error(`order ${order.status} ${JSON.stringify(order.body)}`);
    const paid = await send(
      `${base}/api/orders/orders/${order.body.id}/checkout`,
      { card: CARD },
      token,
      `bench-${n}-checkout`,
    );
    if (paid.status !== 200) throw new Error(`checkout ${paid.status} ${JSON.stringify(paid.body)}`);
    return order.body.id as number;
  };

  /** Fixed arrival rate for `seconds`: starts each checkout on schedule, measures from that schedule. */
  const run = async (base: string, rate: number, seconds: number) => {
    const total = rate * seconds;
    const latencies: number[] = [];
    const paidOrders: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    const inFlight: Promise<void>[] = [];
    const start = performance.now() + 50;
    let lastDone = start;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        checkout(base).then(
          (orderId) => {
            lastDone = performance.now();
            latencies.push(lastDone - due);
            paidOrders.push(orderId);
          },
          (error: unknown) => {
            lastDone = performance.now();
            failed += 1;
            firstError ??= String(error);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);
    return { latencies, paidOrders, failed, firstError, seconds: (lastDone - start) / 1000 };
  };

  const ordersDb = createPool({ uri: db('orders'), connectionLimit: 1 });
  const notificationsDb = createPool({ uri: db('notifications'), connectionLimit: 1 });
  /** OrderPaid → notification (ms) for these orders, once every one has its notification (or 30 s). */
  const notificationLatencies = async (orderIds: number[]): Promise<number[]> => {
    const deadline = Date.now() + 30_000;
    let rows: { order_id: number; micros: number }[] = [];
    const [paidRows] = await ordersDb.query(
      'select id, unix_timestamp(paid_at) * 1000000 as paid from orders where id in (?)',
      [orderIds],
    );
    const paidAt = new Map((paidRows as { id: number; paid: string }[]).map((r) => [r.id, Number(r.paid)]));
    while (Date.now() < deadline) {
      const [found] = await notificationsDb.query(
        `select cast(json_value(payload, '$.orderId') as unsigned) as order_id,
                unix_timestamp(created_at) * 1000000 as micros
           from notifications where event_type = 'OrderPaid'
            and cast(json_value(payload, '$.orderId') as unsigned) in (?)`,
        [orderIds],
      );
      rows = found as typeof rows;
      if (rows.length >= orderIds.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return rows
      .map((r) => (Number(r.micros) - (paidAt.get(Number(r.order_id)) ?? Number.NaN)) / 1000)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
  };

  const figures: CheckoutFigure[] = [];
  const vias = [
    ['nginx (TLS)', nginxUrl],
    ['gateway', gatewayUrl],
  ] as const;
  for (const [, base] of vias) await run(base, 20, 2); // warm-up: JIT, pools, JWKS caches
  for (const rate of args.rates) {
    // Interleaved: each rate through nginx then the gateway, so drift in the machine's load hits both.
    for (const [via, base] of vias) {
      const measured = await run(base, rate, args.seconds);
      const notified = measured.paidOrders.length > 0 ? await notificationLatencies(measured.paidOrders) : [];
      const round = (ms: number) => Math.round(ms * 10) / 10;
      figures.push({
        via,
        targetRate: rate,
        achievedRate: round(measured.paidOrders.length / measured.seconds),
        checkouts: measured.paidOrders.length,
        failed: measured.failed,
        p50Ms: round(percentile(measured.latencies, 50)),
        p95Ms: round(percentile(measured.latencies, 95)),
        p99Ms: round(percentile(measured.latencies, 99)),
        maxMs: round(measured.latencies.at(-1) ?? Number.NaN),
        notified: notified.length,
        notifyP50Ms: round(percentile(notified, 50)),
        notifyP95Ms: round(percentile(notified, 95)),
        notifyP99Ms: round(percentile(notified, 99)),
        loadAverage: loadAverage(),
      });
      if (measured.firstError)
        process.stderr.write(`${via} @${rate}/s first error: ${measured.firstError}\n`);
    }
  }
  await Promise.all([ordersDb.end(), notificationsDb.end(), client.close()]);
  process.stdout.write(
    `${JSON.stringify({ seconds: args.seconds, users: args.users, figures }, null, 2)}\n` +
      figures
        .map(
          (f) =>
            `checkout via ${f.via.padEnd(12)} target ${String(f.targetRate).padStart(4)}/s  achieved ${String(f.achievedRate).padStart(6)}/s  ` +
            `p50 ${f.p50Ms} ms  p95 ${f.p95Ms} ms  p99 ${f.p99Ms} ms  failed ${f.failed}  |  ` +
            `OrderPaid→notification ${f.notified}/${f.checkouts}: p50 ${f.notifyP50Ms} ms  p95 ${f.notifyP95Ms} ms  p99 ${f.notifyP99Ms} ms  (load ${f.loadAverage})`,
        )
        .join('\n') +
      '\n',
  );
} finally {
  await stopNginx?.();
  await processes.stopAll();
  await scratch.drop();
}
