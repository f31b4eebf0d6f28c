import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { destination } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import { createPipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { buildOrders } from '../../services/orders/build.ts';
import { ordersSettings } from '../../services/orders/settings.ts';
import { buildPayments } from '../../services/payments/build.ts';
import { paymentsSettings } from '../../services/payments/settings.ts';
import { loadSettings } from '../../services/shared/index.ts';
import { rowsOf } from '../services/service-fixtures.ts';
import {
  GOOD_CARD,
  SERVICE_KEY,
  type ShopWorld,
  shopper,
  startShopWorld,
  stockTheShop,
  WEBHOOK_SECRET,
} from '../services/shop-fixtures.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import { scenario } from './support/summary.ts';
import { type FaultProxy, openProxy } from './support/toxiproxy.ts';

/** Shoppers checking out at once: more than the services' pools (10 connections) hold. */
const SHOPPERS = 30;
/** The slow database: every answer from MariaDB to the services delayed by this (± a quarter). */
const DB_LATENCY_MS = 400;
/** The services' own bound on waiting for a database connection (DB_ACQUIRE_TIMEOUT_MS). */
const DB_ACQUIRE_TIMEOUT_MS = 1_000;
/** orders' bound on a payments call (PAYMENTS_TIMEOUT_MS), which the checkout waits on. */
const PAYMENTS_TIMEOUT_MS = 8_000;

interface Answer {
  what: 'place' | 'checkout';
  status: number;
  ms: number;
  orderId?: number;
  /** a 503's error code and Retry-After */
  error?: string;
  retryAfter?: string | null;
}

type Listening = { server: { address(): unknown } };
const urlOf = (app: Listening) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

describe('scenario 7: the services under load with a slow database', () => {
  let world: ShopWorld & { closeShop(): Promise<void> };
  let shop: Awaited<ReturnType<typeof stockTheShop>>;
  let proxy: FaultProxy;
  let slowOrders: Awaited<ReturnType<typeof buildOrders>>;
  let slowPayments: Awaited<ReturnType<typeof buildPayments>>;

  beforeAll(async () => {
    world = await startShopWorld();
    shop = await stockTheShop(world, 'slowdb');
    // A second orders and payments, reaching MariaDB through the proxy (the first pair stays direct
    // for the set-up); same databases, same Kafka topic.
    proxy = await openProxy('faults-net-services', sourceUrl(world.scratch.config, 'orders'));
    const logStream = destination({ dest: world.logFile, sync: false });
    const slow = {
      DB_ACQUIRE_TIMEOUT_MS: String(DB_ACQUIRE_TIMEOUT_MS),
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
      RATE_LIMIT_PER_ADDRESS: '100000',
    };
    slowPayments = await buildPayments(
      loadSettings(paymentsSettings, {
        LOG_LEVEL: 'warn',
        JWKS_COOLDOWN_MS: '0',
        AUTH_JWKS_URL: `${world.authUrl}/.well-known/jwks.json`,
        PORT: '0',
        ...slow,
        PAYMENTS_DB_URL: proxy.via(sourceUrl(world.scratch.config, 'payments')),
        PSP_URL: world.pspUrl,
        PSP_TIMEOUT_MS: '1000',
        PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PAYMENTS_SERVICE_KEY: SERVICE_KEY,
      }),
      { logStream },
    );
    await slowPayments.listen({ host: '127.0.0.1', port: 0 });
    slowOrders = await buildOrders(
      loadSettings(ordersSettings, {
        ...world.ordersEnv,
        LOG_LEVEL: 'warn',
        ...slow,
        ORDERS_DB_URL: proxy.via(sourceUrl(world.scratch.config, 'orders')),
        PAYMENTS_URL: urlOf(slowPayments),
        PAYMENTS_TIMEOUT_MS: String(PAYMENTS_TIMEOUT_MS),
      }),
      { logStream },
    );
    await slowOrders.listen({ host: '127.0.0.1', port: 0 });
  }, 180_000);
  afterAll(async () => {
    await slowOrders?.close();
    await slowPayments?.close();
    await proxy?.close();
    await world?.closeShop();
  });

  /** One request, timed; the client gives up only far past any bound the test asserts. */
  async function timed(what: Answer['what'], url: string, token: string, body: unknown): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const reply = (await response.json().catch(() => ({}))) as { id?: number; error?: string };
    return {
      what,
      status: response.status,
      ms: performance.now() - started,
      ...(reply.id === undefined ? {} : { orderId: reply.id }),
      ...(response.status === 503
        ? { error: reply.error, retryAfter: response.headers.get('retry-after') }
        : {}),
    };
  }

  it('answers 2xx, 429 or 503 within its own timeouts, charges each order once and loses none', async () => {
    await scenario(
      {
        scenario: '7. services under load, slow database',
        fault: `toxiproxy latency ${DB_LATENCY_MS} ms on MariaDB; ${SHOPPERS} checkouts at once`,
      },
      async () => {
        const buyers = [];
        for (let i = 0; i < SHOPPERS; i++) {
          buyers.push(await shopper(world, `slow-${i}@example.com`, shop.regionCode));
        }
        const items = [{ productId: shop.products[0]!.id, quantity: 1 }];
        await proxy.add({
          type: 'latency',
          attributes: { latency: DB_LATENCY_MS, jitter: DB_LATENCY_MS / 4 },
        });
        const started = performance.now();
        const answers = (
          await Promise.all(
            buyers.map(async (buyer) => {
              const placed = await timed('place', `${urlOf(slowOrders)}/orders`, buyer.accessToken, {
                items,
              });
              if (placed.status !== 201) return [placed];
              const paid = await timed(
                'checkout',
                `${urlOf(slowOrders)}/orders/${placed.orderId}/checkout`,
                buyer.accessToken,
                { card: GOOD_CARD },
              );
              return [placed, { ...paid, orderId: placed.orderId }];
            }),
          )
        ).flat();
        const wallSeconds = (performance.now() - started) / 1000;
        await proxy.heal();

        const byStatus = new Map<number, number>();
        for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
        const summary = [...byStatus].map(([s, n]) => `${n}×${s}`).join(' ');
        const slowest = Math.max(...answers.map((a) => a.ms));
        console.info(`scenario 7: ${summary}; slowest ${slowest.toFixed(0)} ms; ${wallSeconds.toFixed(1)} s`);

        // no 500s: only success, "too many" or "busy, retry"
        for (const a of answers)
          expect([200, 201, 429, 503], `${a.what} answered ${a.status}`).toContain(a.status);
        // a 503 says the database is busy and when to come back
        for (const a of answers.filter((x) => x.status === 503)) {
          expect(a.error, `${a.what} 503's error`).toMatch(
            /^(database_busy|payments_unavailable|overloaded)$/,
          );
          expect(a.retryAfter, `${a.what} 503's Retry-After`).toMatch(/^\d+$/);
        }
        // bounded: a request waits at most DB_ACQUIRE_TIMEOUT_MS for each connection it takes (place:
        // one; checkout: orders' and payments'), its statements' round trips, and the payments call's
        // own timeout; nothing hangs until the client gives up.
        const placeBound = 2 * DB_ACQUIRE_TIMEOUT_MS + 20 * DB_LATENCY_MS * 1.25;
        const checkoutBound = DB_ACQUIRE_TIMEOUT_MS + PAYMENTS_TIMEOUT_MS + 20 * DB_LATENCY_MS * 1.25;
        for (const a of answers) {
          expect(a.ms, `${a.what} took ${a.ms.toFixed(0)} ms`).toBeLessThan(
            a.what === 'place' ? placeBound : checkoutBound,
          );
        }
        const placed = answers.filter((a) => a.what === 'place' && a.status === 201);
        const paid = answers.filter((a) => a.what === 'checkout' && a.status === 200);
        expect(placed.length, 'some orders got through the slow database').toBeGreaterThan(0);

        // no lost order: every 201 is in the orders database
        const orderIds = placed.map((a) => a.orderId!);
        const stored = await rowsOf<{ id: number; status: string }>(
          world.ordersDb,
          `select id, status from orders where id in (${orderIds.map(() => '?').join(',')})`,
          orderIds,
        );
        expect(stored.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(
          [...orderIds].sort((a, b) => a - b),
        );
        // no duplicate charge: at most one captured payment per order, exactly one for each 200
        const charges = await rowsOf<{ order_id: number; n: number }>(
          world.paymentsDb,
          `select order_id, count(*) as n from payments where status = 'succeeded'
           and order_id in (${orderIds.map(() => '?').join(',')}) group by order_id`,
          orderIds,
        );
        for (const c of charges) expect(Number(c.n), `captured payments of order ${c.order_id}`).toBe(1);
        const charged = new Set(charges.map((c) => Number(c.order_id)));
        for (const a of paid)
          expect(charged.has(a.orderId!), `order ${a.orderId} paid but not charged`).toBe(true);

        // and, after the ETL run, every order is in the warehouse
        const deps = createPipelineDeps(world.scratch.config);
        const writer = new SourceWriter(world.scratch.config);
        const warehouse = new pg.Pool({ connectionString: world.scratch.config.DWH_URL, max: 2 });
        try {
          await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
          const { rows } = await warehouse.query<{ id: string }>(
            'select distinct order_id::text as id from dwh.fact_sales where order_id = any($1::bigint[])',
            [orderIds],
          );
          expect(rows.length, 'orders placed under the slow database in fact_sales').toBe(orderIds.length);
          const compared = await expectWarehouseEqualsSources(writer, warehouse);
          return {
            checked: `${summary}, slowest ${(slowest / 1000).toFixed(1)} s; 1 charge/order; all in DWH`,
            rowsCompared: compared + answers.length,
          };
        } finally {
          await warehouse.end();
          await writer.close();
          await deps.close();
        }
      },
    );
  });
});
