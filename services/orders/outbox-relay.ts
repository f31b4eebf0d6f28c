import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { ensureTopics, kafkaClient } from '../kit/kafka.ts';
import type { OrdersDatabase } from './database.ts';

export interface OutboxRelayOptions {
  db: Kysely<OrdersDatabase>;
  brokers: string;
  topic: string;
  pollMs: number;
  maxBackoffMs: number;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Rows published per Kafka request, default 200. */
  batchSize?: number;
}

/**
 * A named MySQL lock: one relay publishes at a time, so an order's events leave in outbox order.
 * Named locks belong to the whole server, not to a database: the database's name is part of the
 * lock's, or every orders database on one server (tests, benchmarks, a second shop) shares one relay
 * and all but one outbox wait for it.
 */
const RELAY_LOCK_PREFIX = 'techmarket.outbox-relay:';
/** The lock's name for the connection's database (hashed: a lock name may have 64 characters at most). */
const relayLock = sql`concat(${RELAY_LOCK_PREFIX}, md5(database()))`;

/**
 * Publishes the outbox to Kafka in id order, keyed by order id, and marks rows published only after
 * Kafka acknowledged them. When Kafka is down it retries the oldest unpublished rows with backoff
 * (doubling up to `maxBackoffMs`) and never skips one, so after an outage it catches up in order.
 * At least once: a crash between the acknowledgement and the mark publishes a row again, which the
 * consumers drop by event id.
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const controller = new AbortController();
  let wakeUp: (() => void) | undefined;
  let pending = false;
  const kafka = kafkaClient('orders-outbox', options.brokers, options.log);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const batchSize = options.batchSize ?? 200;
  let connected = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending || controller.signal.aborted) {
        pending = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        pending = false;
        resolve();
      }
      wakeUp = done;
    });

  async function publishOnce(conn: Kysely<OrdersDatabase>): Promise<number> {
    const rows = await conn
      .selectFrom('outbox')
      .select(['id', 'aggregate_id', 'event_type', 'payload'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return 0;
    if (!connected) {
      await ensureTopics(kafka, [options.topic]);
      await producer.connect();
      connected = true;
    }
    await producer.send({
      topic: options.topic,
      acks: -1,
      messages: rows.map((r) => ({
        key: r.aggregate_id,
        value: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload),
        headers: { 'event-type': r.event_type },
      })),
    });
    await conn
      .updateTable('outbox')
      .set({ published_at: sql`current_timestamp(6)` })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  }

  async function loop(): Promise<void> {
    let backoff = 100;
    while (!controller.signal.aborted) {
      try {
        await options.db.connection().execute(async (conn) => {
          const [got] = (await sql<{ got: number }>`select get_lock(${relayLock}, 1) as got`.execute(conn))
            .rows;
          if (Number(got?.got) !== 1) return; // another relay holds it: look again after a pause
          try {
            while (!controller.signal.aborted) {
              const published = await publishOnce(conn);
              backoff = 100;
              if (published < batchSize) await pause(options.pollMs);
            }
          } finally {
            await sql`select release_lock(${relayLock})`.execute(conn);
          }
        });
        if (!controller.signal.aborted) await pause(1000);
      } catch (error) {
        options.log.warn({ err: error, retryInMs: backoff }, 'outbox relay: publishing failed, will retry');
        connected = false;
        await producer.disconnect().catch(() => undefined);
        await pause(backoff);
        backoff = Math.min(backoff * 2, options.maxBackoffMs);
      }
    }
  }

  let running: Promise<void> | undefined;
  return {
    start() {
      running ??= loop();
    },
    /** A commit wrote outbox rows: publish now instead of at the next poll. */
    wake() {
      pending = true;
      wakeUp?.();
    },
    async stop() {
      controller.abort();
      wakeUp?.();
      await running;
      await producer.disconnect().catch(() => undefined);
    },
  };
}
export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
