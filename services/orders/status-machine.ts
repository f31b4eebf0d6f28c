import type { ORDER_STATUSES } from './migrations/001_create_orders_schema.ts';

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The moves an order may make (DESIGN.md 3.2); anything else is refused with 409. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** The timestamp column a move sets. */
export const STATUS_TIMESTAMP = {
  paid: 'paid_at',
  shipped: 'shipped_at',
  delivered: 'delivered_at',
  cancelled: 'cancelled_at',
  refunded: 'refunded_at',
} as const;
