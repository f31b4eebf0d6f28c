import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import { Agent, fetch } from 'undici';
import { sourceUrl } from '../core/config.ts';
import type { Scratch } from '../ops/scratch/scratch-databases.ts';
import { bootstrapAdmin } from '../services/auth/bootstrap-admin.ts';
import type { AuthDatabase } from '../services/auth/database.ts';
import { openDatabase } from '../services/shared/index.ts';
import { startPrivateNginx } from '../tests/services/private-nginx.ts';
import { freePort, serviceProcesses } from './service-processes.ts';

const SERVICE_KEY = 'bench-service-key-0123456789';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
export const BENCH_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const REQUEST_TIMEOUT_MS = 10_000;

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a bench reads reply bodies loosely
  body: any;
}

/** A whole shop for `bench:checkout`: every service as a process of its own, nginx in front, stocked. */
export interface BenchShop {
  nginxUrl: string;
  gatewayUrl: string;
  tokens: string[];
  productIds: number[];
  ordersDb: Pool;
  notificationsDb: Pool;
  send(url: string, body?: unknown, token?: string, key?: string): Promise<Reply>;
  /** CPU ms each of the shop's processes has used so far. */
  cpuMs(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts the shop from the code under `root` (this checkout, or a reference copy) on `scratch`'s
 * databases, with a topic and consumer group of its own on the shared Kafka, then makes an admin, a
 * region, two products and `users` customers, each registered and logged in once.
 */
export async function startBenchShop(options: {
  label: string;
  root: string;
  home: string;
  scratch: Scratch;
  users: number;
}): Promise<BenchShop> {
  const { scratch, root } = options;
  const home = join(options.home, options.label);
  mkdirSync(home, { recursive: true });
  const processes = serviceProcesses(home, {
    JWKS_COOLDOWN_MS: '1000',
    // One client address drives every request here: the per-address limits would measure themselves.
    RATE_LIMIT_PER_ADDRESS: '10000000',
    RATE_LIMIT_PER_ACCOUNT: '10000000',
    GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_STORE_URL: 'off',
  });
  const start = (name: string, env: Record<string, string>, port?: number) =>
    processes.start(name, env, { root, ...(port === undefined ? {} : { port }) });
  const topic = `techmarket.orders.bench-${scratch.suffix}`;
  const closers: (() => Promise<unknown>)[] = [() => processes.stopAll()];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const db = (name: 'auth' | 'catalog' | 'orders' | 'payments' | 'notifications') =>
      sourceUrl(scratch.config, name);
    const authUrl = await start('auth', { AUTH_DB_URL: db('auth') });
    const jwks = { AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json` };
    const catalogUrl = await start('catalog', { ...jwks, CATALOG_DB_URL: db('catalog') });
    // payments first (it calls the PSP only per request), so the PSP's webhooks reach this shop's payments.
    const pspPort = await freePort();
    const paymentsUrl = await start('payments', {
      ...jwks,
      PAYMENTS_DB_URL: db('payments'),
      PSP_URL: `http://127.0.0.1:${pspPort}`,
      PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PAYMENTS_SERVICE_KEY: SERVICE_KEY,
    });
    await start(
      'psp-simulator',
      { ...jwks, PSP_WEBHOOK_URL: `${paymentsUrl}/webhooks/psp`, PSP_WEBHOOK_SECRET: WEBHOOK_SECRET },
      pspPort,
    );
    const ordersUrl = await start('orders', {
      ...jwks,
      ORDERS_DB_URL: db('orders'),
      AUTH_URL: authUrl,
      CATALOG_URL: catalogUrl,
      PAYMENTS_URL: paymentsUrl,
      PAYMENTS_SERVICE_KEY: SERVICE_KEY,
      ORDER_EVENTS_TOPIC: topic,
    });
    const notificationsUrl = await start('notifications', {
      ...jwks,
      NOTIFICATIONS_DB_URL: db('notifications'),
      ORDER_EVENTS_TOPIC: topic,
      DEAD_LETTER_TOPIC: `${topic}.dead-letter`,
      CONSUMER_GROUP: `notifications-bench-${scratch.suffix}`,
    });
    const gatewayUrl = await start('gateway', {
      ...jwks,
      AUTH_URL: authUrl,
      CATALOG_URL: catalogUrl,
      ORDERS_URL: ordersUrl,
      PAYMENTS_URL: paymentsUrl,
      NOTIFICATIONS_URL: notificationsUrl,
    });
    const nginx = await startPrivateNginx(gatewayUrl, join(home, 'nginx'));
    closers.push(nginx.stop);
    const client = new Agent({ connections: 256, connect: { ca: nginx.certificate } });
    closers.push(() => client.close());

    const send = async (url: string, body?: unknown, token?: string, key?: string): Promise<Reply> => {
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
    const must = (what: string, reply: Reply, status: number) => {
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
      const product = { sku: `BENCH-${i}`, name: `Bench product ${i}`, categoryId: category.id, price };
      productIds.push(must('product', await send(`${api}/catalog/products`, product, admin), 201).id);
    }
    // Virtual users: each registers, logs in and makes its customer profile once.
    const tokens: string[] = [];
    for (let u = 0; u < options.users; u++) {
      const credentials = { email: `user-${u}@bench.example`, password: `bench user ${u} correct horse` };
      must('register', await send(`${api}/auth/register`, credentials), 202);
      const token = must('login', await send(`${api}/auth/login`, credentials), 200).accessToken;
      const profile = { fullName: `Bench ${u}`, regionCode: 'UA-BENCH' };
      must('profile', await send(`${api}/orders/customers/me`, profile, token), 201);
      tokens.push(token);
    }
    const ordersDb = createPool({ uri: db('orders'), connectionLimit: 1 });
    const notificationsDb = createPool({ uri: db('notifications'), connectionLimit: 1 });
    closers.push(
      () => ordersDb.end(),
      () => notificationsDb.end(),
    );
    return {
      nginxUrl: `https://127.0.0.1:${nginx.httpsPort}`,
      gatewayUrl,
      tokens,
      productIds,
      ordersDb,
      notificationsDb,
      send,
      cpuMs: () => processes.cpuMs(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
