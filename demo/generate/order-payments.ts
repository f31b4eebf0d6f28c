import { formatKopecks } from '../money.ts';
import type { SeededRandom } from '../random/seeded-random.ts';
import { formatDatetime, MICROS_PER_SECOND } from '../time/timestamps.ts';
import type { RowSink } from '../writer/row-sink.ts';
import type { OrderLifecycle } from './order-lifecycle.ts';

export const PAYMENT_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'order_id',
  'amount',
  'currency',
  'method',
  'status',
  'psp_reference',
  'idempotency_key',
] as const;

export type PaymentMethod = 'card' | 'apple_pay' | 'google_pay' | 'bank_transfer' | 'cash_on_delivery';

export const PAYMENT_METHOD_WEIGHTS: readonly (readonly [PaymentMethod, number])[] = [
  ['card', 55],
  ['google_pay', 12],
  ['apple_pay', 10],
  ['bank_transfer', 5],
  ['cash_on_delivery', 18],
];

/** The PSP's reference for a charge; cash on delivery never goes through the PSP. */
export function pspReference(random: SeededRandom, method: PaymentMethod): string | null {
  return method === 'cash_on_delivery' ? null : `psp_${random.hex(24)}`;
}

export interface PaymentIds {
  next: number;
}

/**
 * The payments service's rows for one order: a succeeded (or later refunded) payment for every order
 * that was ever paid, sometimes after a declined card; a declined attempt on some cancelled orders;
 * a checkout still in progress on some unpaid ones.
 */
export function pushOrderPayments(
  random: SeededRandom,
  sink: RowSink,
  ids: PaymentIds,
  order: { id: number; createdAt: number; totalKopecks: number; life: OrderLifecycle },
  anchor: number,
): void {
  const { life } = order;
  const amount = formatKopecks(order.totalKopecks);
  const attemptAt = order.createdAt + random.int(5, 30) * MICROS_PER_SECOND;
  const declined = () => {
    const at = formatDatetime(attemptAt);
    sink.push([
      ids.next++,
      at,
      formatDatetime(attemptAt + 4 * MICROS_PER_SECOND),
      order.id,
      amount,
      'UAH',
      'card',
      'failed',
      pspReference(random, 'card'),
      random.uuid(),
    ]);
  };
  if (life.paidAt !== null) {
    if (random.chance(0.06) && attemptAt + 4 * MICROS_PER_SECOND < life.paidAt) declined();
    const method = random.weighted(PAYMENT_METHOD_WEIGHTS);
    const created = Math.min(attemptAt + 10 * MICROS_PER_SECOND, life.paidAt);
    const refunded = life.refundedAt !== null;
    sink.push([
      ids.next++,
      formatDatetime(created),
      formatDatetime(life.refundedAt ?? life.paidAt),
      order.id,
      amount,
      'UAH',
      method,
      refunded ? 'refunded' : 'succeeded',
      pspReference(random, method),
      random.uuid(),
    ]);
  } else if (life.status === 'cancelled') {
    if (random.chance(0.3)) declined();
  } else if (random.chance(0.4) && attemptAt < anchor) {
    const at = formatDatetime(attemptAt);
    const method = random.weighted(PAYMENT_METHOD_WEIGHTS);
    sink.push([
      ids.next++,
      at,
      at,
      order.id,
      amount,
      'UAH',
      method,
      'pending',
      pspReference(random, method),
      random.uuid(),
    ]);
  }
}
