import { z } from 'zod';

/** The topic the orders outbox publishes to, keyed by order id (one partition keeps an order's order). */
export const ORDER_EVENTS_TOPIC = 'techmarket.orders';
/** Where notifications puts messages it cannot decode, with the reason in a header. */
export const ORDER_EVENTS_DEAD_LETTER_TOPIC = 'techmarket.orders.dead-letter';

/** Every event on Kafka (DESIGN.md 3.6): `{id, type, occurredAt, data}`. */
export const eventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(64),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});

/** OrderPaid: written to the outbox in the transaction that marks the order paid. */
export const orderPaidData = z.object({
  orderId: z.number().int().positive(),
  customerId: z.number().int().positive(),
  userId: z.number().int().positive(),
  email: z.email(),
  totalAmount: z.string().regex(/^\d+\.\d{2}$/),
  currency: z.string().length(3),
  paymentId: z.number().int().positive(),
});
export type OrderPaidData = z.infer<typeof orderPaidData>;

export const orderPaidEvent = eventEnvelope.extend({ type: z.literal('OrderPaid'), data: orderPaidData });
export type OrderPaidEvent = z.infer<typeof orderPaidEvent>;

/** The topic of BI digests: the sales-dynamics page publishes, notifications delivers (by e-mail). */
export const BI_DIGEST_TOPIC = 'techmarket.bi.digests';

const money = z.string().regex(/^-?\d+\.\d{2}$/);
const localDay = z.iso.date();

/**
 * BiDigest: one period of a subscriber's saved view, rendered by the page as the subscriber (row-level
 * security applied), with the figures notifications puts in the mail. The event id is derived from
 * the subscription and the period, so a repeated hand-over is the same event.
 */
export const biDigestData = z.object({
  subscriptionId: z.number().int().positive(),
  userId: z.number().int().positive(),
  email: z.email(),
  cadence: z.enum(['daily', 'weekly', 'monthly']),
  period: z.object({ from: localDay, to: localDay }),
  /** The regions the figures cover: those of the view the subscriber may see. */
  regions: z.array(z.object({ code: z.string(), name: z.string() })),
  category: z.string().nullable(),
  currency: z.string().length(3),
  totals: z.object({ revenue: money, orders: z.number().int().min(0), units: z.number().int().min(0) }),
  days: z.array(z.object({ day: localDay, revenue: money, orders: z.number().int().min(0) })),
});
export type BiDigestData = z.infer<typeof biDigestData>;

export const biDigestEvent = eventEnvelope.extend({ type: z.literal('BiDigest'), data: biDigestData });
export type BiDigestEvent = z.infer<typeof biDigestEvent>;
