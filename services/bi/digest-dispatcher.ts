import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BiDigestData, BiDigestEvent } from '../kit/events.ts';
import { fromCents, toCents } from '../kit/money.ts';
import { HttpError } from '../shared/index.ts';
import { latestDueStarts, nextPeriod, periodDays } from './digest-periods.ts';
import type { DigestPublisher } from './digest-publisher.ts';
import type { SalesRepository } from './sales-repository.ts';
import type { SubscriptionRow, SubscriptionsRepository } from './subscriptions-repository.ts';

/** Most digests one pass sends: a pass that finds more leaves them to the next (a long backlog). */
const MAX_DIGESTS_PER_PASS = 500;

export interface DigestDispatcherOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the warehouse is read with sql fragments, not the builder
  db: Kysely<Record<string, any>>;
  sales: SalesRepository;
  subscriptions: SubscriptionsRepository;
  publisher: DigestPublisher;
  timeZone: string;
  digestHour: number;
  log: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The event id of one subscription's one period, the same however often it is handed over (a
 * name-based UUID, version 5 layout): notifications delivers an event id once.
 */
export function digestEventId(subscriptionId: number, periodStart: string): string {
  const hex = createHash('sha1').update(`bi-digest:${subscriptionId}:${periodStart}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Sends the digests that are due. Each is one warehouse transaction: lock a due subscription (rows
 * another dispatcher holds are skipped, so instances share the work), render its period as the
 * subscriber (their login role: row-level security decides the figures, as on the page), hand it to
 * Kafka, and move the subscription to its next period. A failure before the commit leaves the period
 * due, and the retry hands over the same event id. A subscriber who lost their page login is sent
 * nothing for the period.
 */
export function createDigestDispatcher(options: DigestDispatcherOptions) {
  async function render(sub: SubscriptionRow): Promise<BiDigestData> {
    const period = periodDays(sub.cadence, sub.nextPeriodStart);
    const filters = await options.sales.filters(sub.authUserId);
    const regions = filters.regions.filter((r) => sub.regions.length === 0 || sub.regions.includes(r.code));
    const days =
      regions.length === 0
        ? []
        : await options.sales.series(sub.authUserId, {
            ...period,
            regions: regions.map((r) => r.code),
            category: sub.category ?? undefined,
            grain: 'day',
            source: 'rollup',
          });
    return {
      subscriptionId: sub.id,
      userId: sub.authUserId,
      email: sub.email,
      cadence: sub.cadence,
      period,
      regions,
      category:
        sub.category === null
          ? null
          : (filters.categories.find((c) => c.key === sub.category)?.path ?? `category ${sub.category}`),
      currency: 'UAH',
      totals: {
        revenue: fromCents(days.reduce((s, d) => s + toCents(d.revenue), 0)),
        orders: days.reduce((s, d) => s + d.orders, 0),
        units: days.reduce((s, d) => s + d.units, 0),
      },
      days: days.map((d) => ({ day: d.period, revenue: d.revenue, orders: d.orders })),
    };
  }

  /** One due subscription, if any: 'sent', 'no-access', or undefined when none is due. */
  async function dispatchOne(latestDue: ReturnType<typeof latestDueStarts>) {
    return options.db.transaction().execute(async (trx) => {
      const sub = await options.subscriptions.claimDue(trx, latestDue);
      if (!sub) return undefined;
      const next = nextPeriod(sub.cadence, sub.nextPeriodStart);
      let data: BiDigestData;
      try {
        data = await render(sub);
      } catch (error) {
        if (!(error instanceof HttpError && error.statusCode === 403)) throw error;
        options.log.warn(
          { subscriptionId: sub.id, authUserId: sub.authUserId, period: sub.nextPeriodStart },
          'bi digest: the subscriber has no page login now; nothing sent for this period',
        );
        await options.subscriptions.advance(trx, sub.id, next, false);
        return 'no-access' as const;
      }
      const event: BiDigestEvent = {
        id: digestEventId(sub.id, sub.nextPeriodStart),
        type: 'BiDigest',
        occurredAt: new Date().toISOString(),
        data,
      };
      await options.publisher.publish(event);
      await options.subscriptions.advance(trx, sub.id, next, true);
      options.log.info(
        { subscriptionId: sub.id, period: data.period, eventId: event.id },
        'bi digest handed over',
      );
      return 'sent' as const;
    });
  }

  return {
    /** Sends every digest due at `now`; answers how many went out and how many had no access. */
    async dispatchDue(now: Date): Promise<{ sent: number; noAccess: number }> {
      const latestDue = latestDueStarts(now, options.timeZone, options.digestHour);
      const counts = { sent: 0, noAccess: 0 };
      for (let i = 0; i < MAX_DIGESTS_PER_PASS; i++) {
        const outcome = await dispatchOne(latestDue);
        if (outcome === undefined) break;
        if (outcome === 'sent') counts.sent++;
        else counts.noAccess++;
      }
      return counts;
    },
  };
}
export type DigestDispatcher = ReturnType<typeof createDigestDispatcher>;
