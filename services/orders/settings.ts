import { z } from 'zod';
import { ORDER_EVENTS_TOPIC } from '../kit/events.ts';
import { serviceSettings } from '../shared/index.ts';

const upstream = (port: number) => z.string().default(`http://127.0.0.1:${port}`).pipe(z.url());

/** orders' settings: the shared ones plus these, each with a `*_FILE` form. */
export const ordersSettings = serviceSettings.extend({
  /** Port, default 7002 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7002),
  /** The orders database, default the local MariaDB's `orders`. */
  ORDERS_DB_URL: z
    .string()
    .default('mysql://techmarket:techmarket@127.0.0.1:3306/orders')
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' })),
  /** auth (for a caller's e-mail when a profile is made), default port 7001. */
  AUTH_URL: upstream(7001),
  /** catalog (prices at order time), default port 7003. */
  CATALOG_URL: upstream(7003),
  /** payments (authorize, capture, refund), default port 7004. */
  PAYMENTS_URL: upstream(7004),
  /** The key orders shows payments (`x-service-key`); default a development value: set it in production. */
  PAYMENTS_SERVICE_KEY: z.string().min(16).default('development-service-key'),
  /** How long one catalog call may take, default 1000 ms. */
  CATALOG_TIMEOUT_MS: z.coerce.number().int().min(10).default(1000),
  /** Further attempts after a catalog call fails or times out, default 2 (then 503). */
  CATALOG_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** How long one payments call may take, default 8000 ms (payments itself waits 5 s for the PSP). */
  PAYMENTS_TIMEOUT_MS: z.coerce.number().int().min(10).default(8000),
  /** Kafka brokers for the outbox relay, default 127.0.0.1:9092. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** The topic the outbox publishes to, default techmarket.orders. */
  ORDER_EVENTS_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default(ORDER_EVENTS_TOPIC),
  /** Whether this process runs the outbox relay, default true (one relay runs at a time: a lock). */
  OUTBOX_RELAY: z.enum(['true', 'false']).default('true'),
  /** How often an idle relay looks for new outbox rows, default 200 ms (a commit here wakes it at once). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(200),
  /** Longest wait between two publish attempts while Kafka is down, default 5000 ms. */
  OUTBOX_MAX_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
});
export type OrdersSettings = z.infer<typeof ordersSettings>;
