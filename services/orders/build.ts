import type { DestinationStream } from 'pino';
import { createService, openDatabase, pingDatabase } from '../shared/index.ts';
import { ordersApp } from './app.ts';
import type { OrdersDatabase } from './database.ts';
import { createOutboxRelay } from './outbox-relay.ts';
import type { OrdersSettings } from './settings.ts';
import { createUpstreams } from './upstreams.ts';

/** The orders service, ready to listen: the shared kit, its database, its routes, the outbox relay. */
export async function buildOrders(settings: OrdersSettings, options: { logStream?: DestinationStream } = {}) {
  const db = openDatabase<OrdersDatabase>(settings.ORDERS_DB_URL, {
    connectionLimit: 20,
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  const app = await createService({
    name: 'orders',
    description: 'Customers, sales managers, discount codes and orders; checkout through payments.',
    settings,
    checkReady: () => pingDatabase(db),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  const relay =
    settings.OUTBOX_RELAY === 'true'
      ? createOutboxRelay({
          db,
          brokers: settings.KAFKA_BROKERS,
          topic: settings.ORDER_EVENTS_TOPIC,
          pollMs: settings.OUTBOX_POLL_MS,
          maxBackoffMs: settings.OUTBOX_MAX_BACKOFF_MS,
          log: app.log,
        })
      : undefined;
  app.addHook('onReady', async () => relay?.start());
  app.addHook('onClose', async () => {
    await relay?.stop();
    await db.destroy();
  });
  await app.register(ordersApp, {
    db,
    upstreams: createUpstreams(settings),
    outboxWritten: () => relay?.wake(),
  });
  return app;
}
