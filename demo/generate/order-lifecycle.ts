import type { SeededRandom } from '../random/seeded-random.ts';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND } from '../time/timestamps.ts';

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

/** Where an order stands at the anchor, and when each step happened (microseconds, null = not yet). */
export interface OrderLifecycle {
  status: OrderStatus;
  paidAt: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  cancelledAt: number | null;
  refundedAt: number | null;
  /** The last write to the order row. */
  updatedAt: number;
}

const between = (random: SeededRandom, from: number, to: number) =>
  from + Math.floor(random.next() * (to - from));

/**
 * Plays an order's life forward from its creation and stops at the anchor: an order created an hour
 * before the anchor is still waiting for payment, one from last month has long been delivered. Fates
 * are drawn up front (about 5% cancelled unpaid, 1% refunded before shipping, 3% returned after
 * delivery), so status proportions follow from the timing, as they do in a real shop.
 */
export function playOrderLifecycle(random: SeededRandom, createdAt: number, anchor: number): OrderLifecycle {
  const state: OrderLifecycle = {
    status: 'pending_payment',
    paidAt: null,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    refundedAt: null,
    updatedAt: createdAt,
  };
  const fate = random.weighted([
    ['cancel', 5],
    ['refund-before-shipping', 1],
    ['return', 3],
    ['normal', 91],
  ] as const);
  type Step = 'paidAt' | 'shippedAt' | 'deliveredAt' | 'cancelledAt' | 'refundedAt';
  const STATUS_OF: Record<Step, OrderStatus> = {
    paidAt: 'paid',
    shippedAt: 'shipped',
    deliveredAt: 'delivered',
    cancelledAt: 'cancelled',
    refundedAt: 'refunded',
  };
  /** Takes the step if it happened before the anchor; false when the order's story stops here. */
  const advance = (step: Step, at: number): boolean => {
    if (at >= anchor) return false;
    state[step] = at;
    state.status = STATUS_OF[step];
    state.updatedAt = at;
    return true;
  };

  if (fate === 'cancel') {
    advance('cancelledAt', createdAt + between(random, 10 * MICROS_PER_MINUTE, 48 * MICROS_PER_HOUR));
    return state;
  }
  // Most pay at checkout; bank transfers and second thoughts take up to a day.
  const paidAt =
    createdAt +
    (random.chance(0.75)
      ? between(random, 20 * MICROS_PER_SECOND, 15 * MICROS_PER_MINUTE)
      : between(random, MICROS_PER_HOUR, 24 * MICROS_PER_HOUR));
  if (!advance('paidAt', paidAt)) return state;
  if (fate === 'refund-before-shipping') {
    advance('refundedAt', paidAt + between(random, MICROS_PER_HOUR, 2 * MICROS_PER_DAY));
    return state;
  }
  const shippedAt = paidAt + between(random, 2 * MICROS_PER_HOUR, 3 * MICROS_PER_DAY);
  if (!advance('shippedAt', shippedAt)) return state;
  const deliveredAt = shippedAt + between(random, 12 * MICROS_PER_HOUR, 5 * MICROS_PER_DAY);
  if (!advance('deliveredAt', deliveredAt)) return state;
  if (fate === 'return')
    advance('refundedAt', deliveredAt + between(random, MICROS_PER_DAY, 14 * MICROS_PER_DAY));
  return state;
}
