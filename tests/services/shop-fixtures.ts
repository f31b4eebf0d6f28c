import { createPool, type Pool } from 'mysql2/promise';
import { destination } from 'pino';
import { sourceUrl } from '../../core/config.ts';
import { buildGateway } from '../../services/gateway/build.ts';
import { gatewaySettings } from '../../services/gateway/settings.ts';
import { buildNotifications } from '../../services/notifications/build.ts';
import { notificationsSettings } from '../../services/notifications/settings.ts';
import { buildOrders } from '../../services/orders/build.ts';
import { ordersSettings } from '../../services/orders/settings.ts';
import { buildPayments } from '../../services/payments/build.ts';
import { paymentsSettings } from '../../services/payments/settings.ts';
import { buildPspSimulator } from '../../services/psp-simulator/build.ts';
import { pspSettings } from '../../services/psp-simulator/settings.ts';
import { loadSettings } from '../../services/shared/index.ts';
import { call, type ServiceWorld, startServiceWorld, userWithRoles } from './service-fixtures.ts';

export const SERVICE_KEY = 'test-service-key-0123456789';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

type Listening = {
  listen(o: { host: string; port: number }): Promise<string>;
  server: { address(): unknown };
};
const urlOf = (app: Listening) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

/**
 * The whole shop on scratch databases and ephemeral ports: part 1's world (auth, catalog) plus the
 * PSP simulator, payments, orders (with its outbox relay) and notifications (with its consumer), and
 * a gateway in front of all of them. Each world has Kafka topics and a consumer group of its own, so
 * runs from several worktrees on the shared broker do not see each other's events.
 */
export interface ShopWorld extends ServiceWorld {
  ordersUrl: string;
  paymentsUrl: string;
  pspUrl: string;
  notificationsUrl: string;
  shopUrl: string;
  topic: string;
  deadLetterTopic: string;
  ordersDb: Pool;
  paymentsDb: Pool;
  notificationsDb: Pool;
  /** Settings shared by this world's orders instances (for a second one with another catalog). */
  ordersEnv: Record<string, string>;
}

export async function startShopWorld(
  options: { kafkaBrokers?: string; overrides?: Record<string, string> } = {},
): Promise<ShopWorld & { closeShop(): Promise<void> }> {
  // Load shedding off: these machines are shared and busy, and a test is about answers, not speed.
  const noShedding = { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0' };
  const world = await startServiceWorld({ ...noShedding, ...options.overrides });
  const logStream = destination({ dest: world.logFile, sync: true });
  const jwks = `${world.authUrl}/.well-known/jwks.json`;
  const env = {
    // Off for this world's own services too (they all share this one process's event loop).
    ...noShedding,
    LOG_LEVEL: 'info',
    JWKS_COOLDOWN_MS: '0',
    AUTH_JWKS_URL: jwks,
    PORT: '0',
    ...options.overrides,
  };
  const kafka = options.kafkaBrokers ?? world.scratch.config.KAFKA_BROKERS;
  const topic = `techmarket.orders.test-${world.scratch.suffix}`;
  const deadLetterTopic = `${topic}.dead-letter`;

  const psp = await buildPspSimulator(
    loadSettings(pspSettings, {
      ...env,
      // No webhooks: tests that need one send it themselves (an empty value would mean the default).
      PSP_WEBHOOK_URL: 'off',
      PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PSP_TIMEOUT_CARD_DELAY_MS: '3000',
    }),
    { logStream },
  );
  await psp.listen({ host: '127.0.0.1', port: 0 });
  const payments = await buildPayments(
    loadSettings(paymentsSettings, {
      ...env,
      PAYMENTS_DB_URL: sourceUrl(world.scratch.config, 'payments'),
      PSP_URL: urlOf(psp),
      PSP_TIMEOUT_MS: '1000',
      PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PAYMENTS_SERVICE_KEY: SERVICE_KEY,
    }),
    { logStream },
  );
  await payments.listen({ host: '127.0.0.1', port: 0 });
  const ordersEnv = {
    ...env,
    ORDERS_DB_URL: sourceUrl(world.scratch.config, 'orders'),
    AUTH_URL: world.authUrl,
    CATALOG_URL: world.catalogUrl,
    PAYMENTS_URL: urlOf(payments),
    PAYMENTS_SERVICE_KEY: SERVICE_KEY,
    KAFKA_BROKERS: kafka,
    ORDER_EVENTS_TOPIC: topic,
    OUTBOX_POLL_MS: '50',
    OUTBOX_MAX_BACKOFF_MS: '1000',
  };
  const orders = await buildOrders(loadSettings(ordersSettings, ordersEnv), { logStream });
  await orders.listen({ host: '127.0.0.1', port: 0 });
  const notifications = await buildNotifications(
    loadSettings(notificationsSettings, {
      ...env,
      NOTIFICATIONS_DB_URL: sourceUrl(world.scratch.config, 'notifications'),
      KAFKA_BROKERS: kafka,
      ORDER_EVENTS_TOPIC: topic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: `notifications-${world.scratch.suffix}`,
    }),
    { logStream },
  );
  await notifications.listen({ host: '127.0.0.1', port: 0 });
  const gateway = await buildGateway(
    loadSettings(gatewaySettings, {
      ...env,
      AUTH_URL: world.authUrl,
      CATALOG_URL: world.catalogUrl,
      ORDERS_URL: urlOf(orders),
      PAYMENTS_URL: urlOf(payments),
      NOTIFICATIONS_URL: urlOf(notifications),
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
    }),
    { logStream },
  );
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const pool = (db: 'orders' | 'payments' | 'notifications') =>
    createPool({ uri: sourceUrl(world.scratch.config, db), connectionLimit: 2, dateStrings: true });
  const ordersDb = pool('orders');
  const paymentsDb = pool('payments');
  const notificationsDb = pool('notifications');
  return {
    ...world,
    ordersUrl: urlOf(orders),
    paymentsUrl: urlOf(payments),
    pspUrl: urlOf(psp),
    notificationsUrl: urlOf(notifications),
    shopUrl: urlOf(gateway),
    topic,
    deadLetterTopic,
    ordersDb,
    paymentsDb,
    notificationsDb,
    ordersEnv,
    async closeShop() {
      await gateway.close();
      await orders.close();
      await notifications.close();
      await payments.close();
      await psp.close();
      await Promise.all([ordersDb.end(), paymentsDb.end(), notificationsDb.end()]);
      await world.close();
    },
  };
}

/** Polls until `check` answers a value (not undefined), or fails after `seconds`. */
export async function eventually<T>(check: () => Promise<T | undefined>, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What every checkout test needs: a region, a sales manager working it, a category with two
 * products and a 10% discount code, made through the API by an admin and the manager.
 */
export async function stockTheShop(world: ShopWorld, tag: string) {
  const api = world.shopUrl;
  const admin = await userWithRoles(world, `admin-${tag}@example.com`, ['admin']);
  const manager = await userWithRoles(world, `manager-${tag}@example.com`, ['sales_manager']);
  const regionCode = `UA-${tag.toUpperCase().slice(0, 8)}`;
  const region = await call(`${api}/api/orders/regions`, {
    body: { code: regionCode, name: `Region ${tag}` },
    token: admin.accessToken,
  });
  if (region.status !== 201) throw new Error(`region: ${region.status} ${JSON.stringify(region.body)}`);
  const employee = await call(`${api}/api/orders/employees/me`, {
    body: { fullName: `Manager ${tag}`, regionCode },
    token: manager.accessToken,
  });
  if (employee.status !== 201)
    throw new Error(`employee: ${employee.status} ${JSON.stringify(employee.body)}`);
  const category = await call(`${api}/api/catalog/categories`, {
    body: { name: `Phones ${tag}`, slug: `phones-${tag}` },
    token: manager.accessToken,
  });
  const products: { id: number; price: string }[] = [];
  for (const [i, price] of ['1000.00', '250.50'].entries()) {
    const created = await call(`${api}/api/catalog/products`, {
      body: { sku: `SKU-${tag}-${i}`, name: `Phone ${tag} ${i}`, categoryId: category.body.id, price },
      token: manager.accessToken,
    });
    if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
    products.push({ id: created.body.id, price });
  }
  const discountCode = `TEN-${tag.toUpperCase()}`;
  const discount = await call(`${api}/api/orders/discounts`, {
    body: { code: discountCode, kind: 'percent', value: '10.00' },
    token: manager.accessToken,
  });
  if (discount.status !== 201)
    throw new Error(`discount: ${discount.status} ${JSON.stringify(discount.body)}`);
  return {
    admin,
    manager,
    managerEmployeeId: employee.body.id as number,
    regionCode,
    products,
    discountCode,
  };
}

/** A registered customer with a profile in the region. */
export async function shopper(world: ShopWorld, email: string, regionCode: string) {
  const user = await userWithRoles(world, email);
  const profile = await call(`${world.shopUrl}/api/orders/customers/me`, {
    body: { fullName: `Customer ${email}`, regionCode },
    token: user.accessToken,
  });
  if (profile.status !== 201) throw new Error(`profile: ${profile.status} ${JSON.stringify(profile.body)}`);
  return { ...user, customerId: profile.body.id as number };
}

export const GOOD_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
