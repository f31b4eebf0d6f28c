import type { ResultSetHeader } from 'mysql2/promise';
import { type DayContext, execute, selectRows } from './day-context.ts';
import type { PayableOrder } from './pay-orders.ts';

/** The recent orders by status at the start of the day; each moves at most one step per day. */
export interface OrdersByStatus {
  pending: PayableOrder[];
  paid: number[];
  shipped: number[];
  delivered: number[];
}

export async function recentOrdersByStatus(ctx: DayContext): Promise<OrdersByStatus> {
  const rows = await selectRows<{ id: string; customer_id: string; total_amount: string; status: string }>(
    ctx.db.orders,
    `select id, customer_id, total_amount, status from orders
      where id > ? and status in ('pending_payment', 'paid', 'shipped', 'delivered') order by id`,
    [ctx.volumes.recentOrderFloor],
  );
  const result: OrdersByStatus = { pending: [], paid: [], shipped: [], delivered: [] };
  for (const row of rows) {
    const id = Number(row.id);
    if (row.status === 'pending_payment') {
      result.pending.push({ id, customerId: Number(row.customer_id), total: row.total_amount });
    } else if (row.status === 'paid') result.paid.push(id);
    else if (row.status === 'shipped') result.shipped.push(id);
    else result.delivered.push(id);
  }
  return result;
}

/** One guarded status step (`where status = from`): the count is what the database changed. */
async function step(ctx: DayContext, ids: readonly number[], from: string, to: string, stamp?: string) {
  if (ids.length === 0) return 0;
  const set = stamp ? `status = ?, ${stamp} = now(6)` : 'status = ?';
  const result: ResultSetHeader = await execute(
    ctx.db.orders,
    `update orders set ${set} where id in (?) and status = ?`,
    [to, ids, from],
  );
  return result.changedRows;
}

/** Unpaid orders given up by the customer; their open checkout fails. */
export async function cancelOrders(ctx: DayContext, ids: readonly number[]): Promise<void> {
  ctx.counts.orders_cancelled += await step(ctx, ids, 'pending_payment', 'cancelled', 'cancelled_at');
  if (ids.length === 0) return;
  const failed = await execute(
    ctx.db.payments,
    `update payments set status = 'failed' where order_id in (?) and status = 'pending'`,
    [ids],
  );
  ctx.counts.payments_failed += failed.changedRows;
}

export async function shipOrders(ctx: DayContext, ids: readonly number[]): Promise<void> {
  ctx.counts.orders_shipped += await step(ctx, ids, 'paid', 'shipped', 'shipped_at');
}

export async function deliverOrders(ctx: DayContext, ids: readonly number[]): Promise<void> {
  ctx.counts.orders_delivered += await step(ctx, ids, 'shipped', 'delivered', 'delivered_at');
}

/** Returned goods: the order is refunded and so is its payment. */
export async function refundOrders(ctx: DayContext, ids: readonly number[]): Promise<void> {
  ctx.counts.orders_refunded += await step(ctx, ids, 'delivered', 'refunded');
  if (ids.length === 0) return;
  const refunded = await execute(
    ctx.db.payments,
    `update payments set status = 'refunded' where order_id in (?) and status = 'succeeded'`,
    [ids],
  );
  ctx.counts.payments_refunded += refunded.changedRows;
}
