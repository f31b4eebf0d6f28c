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
