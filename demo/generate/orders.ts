import { formatKopecks } from '../money.ts';
import type { SeededRandom } from '../random/seeded-random.ts';
import { createActivityCurve } from '../time/activity-curve.ts';
import { formatDatetime, MICROS_PER_DAY } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import { type EventIds, pushOrderEvents } from './order-events.ts';
import { playOrderLifecycle } from './order-lifecycle.ts';
import { draftOrderLines } from './order-lines.ts';
import { pushOrderPayments } from './order-payments.ts';
import { FIXED_DISCOUNT_MIN_BASKET_MULTIPLE, type OrderDiscount, priceOrder } from './order-pricing.ts';
import { countBelow, type DiscountInWorld, type SeedWorld } from './seed-world.ts';

export const ORDER_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'customer_id',
  'employee_id',
  'status',
  'currency',
  'discount_id',
  'subtotal_amount',
  'discount_amount',
  'total_amount',
  'paid_at',
  'shipped_at',
  'delivered_at',
  'cancelled_at',
] as const;
export const ORDER_ITEM_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'order_id',
  'product_id',
  'quantity',
  'unit_price',
  'discount_amount',
] as const;

export type OrderTable =
  | 'orders'
  | 'order_items'
  | 'outbox'
  | 'payments'
  | 'notifications'
  | 'processed_events';

/** Share of orders placed with a discount code. */
const DISCOUNTED_SHARE = 0.15;
/** Loyal customers order more: the customer index is drawn as K · u^this. */
const LOYALTY_SKEW = 1.6;

const orNull = (micros: number | null) => (micros === null ? null : formatDatetime(micros));

/**
 * Every order of the two years before the anchor, with its lines, its payments and its events, in
 * one pass (the tables of three databases are fed side by side). Order ids rise with created_at;
 * each order goes to a customer who had signed up by then, is handled by that customer's manager and
 * holds products listed by then.
 */
export async function generateOrders(world: SeedWorld, out: GeneratorOutput<OrderTable>): Promise<void> {
  const random = world.random('orders');
  const { anchorMicros, windowStartMicros, orders: count } = world.plan;
  const curve = createActivityCurve({
    startMicros: windowStartMicros,
    days: Math.round((anchorMicros - windowStartMicros) / MICROS_PER_DAY),
    growth: 1.6,
  });
  const { customers, products } = world;
  const priceOf = (productId: number) => products.priceKopecks[productId - 1]!;
  const paymentIds = { next: 1 };
  const eventIds: EventIds = { outbox: 0, notification: 0, processedEvent: 0 };
  let itemId = 0;

  for (let index = 0; index < count; index++) {
    const id = index + 1;
    const createdAt = curve.at((index + random.next()) / count);
    const signedUp = Math.max(1, countBelow(customers.createdMicros, createdAt));
    const customerIndex = Math.floor(signedUp * random.next() ** LOYALTY_SKEW);
    const listed = Math.max(1, countBelow(products.createdMicros, createdAt));
    const lines = draftOrderLines(random, listed, priceOf);
    const discount = random.chance(DISCOUNTED_SHARE)
      ? pickDiscount(random, world.discounts, createdAt)
      : null;
    let price = priceOrder(lines, discount);
    let discountId = discount?.id ?? null;
    if (discount?.kind === 'fixed' && price.subtotal < discount.amount * FIXED_DISCOUNT_MIN_BASKET_MULTIPLE) {
      price = priceOrder(lines, null); // the code was refused at checkout: basket too small
      discountId = null;
    }
    const life = playOrderLifecycle(random, createdAt, anchorMicros);
    const created = formatDatetime(createdAt);
    out.sinks.orders.push([
      id,
      created,
      formatDatetime(life.updatedAt),
      customerIndex + 1,
      customers.managerId[customerIndex]!,
      life.status,
      'UAH',
      discountId,
      formatKopecks(price.subtotal),
      formatKopecks(price.discount),
      formatKopecks(price.total),
      orNull(life.paidAt),
      orNull(life.shippedAt),
      orNull(life.deliveredAt),
      orNull(life.cancelledAt),
    ]);
    lines.forEach((line, i) => {
      out.sinks.order_items.push([
        ++itemId,
        created,
        created,
        id,
        line.productId,
        line.quantity,
        formatKopecks(line.unitPrice),
        formatKopecks(price.lineDiscounts[i]!),
      ]);
    });
    const facts = { id, createdAt, totalKopecks: price.total, life };
    pushOrderPayments(random, out.sinks.payments, paymentIds, facts, anchorMicros);
    pushOrderEvents(
      random,
      out.sinks,
      eventIds,
      {
        ...facts,
        customerId: customerIndex + 1,
        email: customers.email[customerIndex]!,
        phone: customers.phone[customerIndex]!,
      },
      anchorMicros,
    );
    if (index % 500 === 499) await out.breathe();
  }
  await out.breathe();
}

/** A code valid at the order time (campaign window or always valid). */
function pickDiscount(
  random: SeededRandom,
  discounts: readonly DiscountInWorld[],
  at: number,
): (OrderDiscount & { id: number }) | null {
  const valid = discounts.filter(
    (d) =>
      (d.validFromMicros === null || d.validFromMicros <= at) &&
      (d.validToMicros === null || at < d.validToMicros),
  );
  if (valid.length === 0) return null;
  const chosen = random.pick(valid);
  return { id: chosen.id, kind: chosen.kind, amount: chosen.amount };
}
