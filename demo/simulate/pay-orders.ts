import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { PAYMENT_METHOD_WEIGHTS, pspReference } from '../generate/order-payments.ts';
import { type DayContext, inTransaction, selectRows } from './day-context.ts';

export interface PayableOrder {
  id: number;
  customerId: number;
  /** DECIMAL text, as read. */
  total: string;
}

/**
 * Payment succeeds for these unpaid orders, the way the two services record it: the orders service
 * marks them paid and writes OrderPaid to its outbox in the same transaction; the payments service
 * completes the checkout's pending payment, or records a new one.
 */
export async function payOrders(ctx: DayContext, orders: readonly PayableOrder[]): Promise<void> {
  if (orders.length === 0) return;
  const { random, counts, db } = ctx;
  const paid = await inTransaction(db.orders, async (connection) => {
    const ids = orders.map((o) => o.id);
    const [locked] = await connection.query<RowDataPacket[]>(
      `select id from orders where id in (?) and status = 'pending_payment' for update`,
      [ids],
    );
    const payable = orders.filter((o) => locked.some((row) => Number(row.id) === o.id));
    if (payable.length === 0) return [];
    const [[clock]] = await connection.query<RowDataPacket[]>('select now(6) as now');
    const paidAt = String(clock!.now);
    const [update] = await connection.query<ResultSetHeader>(
      `update orders set status = 'paid', paid_at = ? where id in (?) and status = 'pending_payment'`,
      [paidAt, payable.map((o) => o.id)],
    );
    counts.orders_paid += update.changedRows;
    const events = payable.map((o) => {
      const eventId = random.uuid();
      const payload = {
        id: eventId,
        type: 'OrderPaid',
        occurredAt: `${paidAt.replace(' ', 'T')}Z`,
        data: {
          orderId: o.id,
          customerId: o.customerId,
          amount: o.total,
          currency: 'UAH',
          paidAt: `${paidAt.replace(' ', 'T')}Z`,
        },
      };
      return [eventId, 'order', o.id, 'OrderPaid', JSON.stringify(payload)];
    });
    const [outbox] = await connection.query<ResultSetHeader>(
      'insert into outbox (event_id, aggregate_type, aggregate_id, event_type, payload) values ?',
      [events],
    );
    counts.outbox_events_created += outbox.affectedRows;
    return payable;
  });
  if (paid.length === 0) return;

  const pending = await selectRows<{ id: string; order_id: string }>(
    db.payments,
    `select id, order_id from payments where order_id in (?) and status = 'pending' order by id`,
    [paid.map((o) => o.id)],
  );
  const pendingByOrder = new Map(pending.map((p) => [Number(p.order_id), Number(p.id)]));
  const fresh: unknown[][] = [];
  for (const order of paid) {
    const method = random.weighted(PAYMENT_METHOD_WEIGHTS);
    const paymentId = pendingByOrder.get(order.id);
    if (paymentId === undefined) {
      fresh.push([
        order.id,
        order.total,
        'UAH',
        method,
        'succeeded',
        pspReference(random, method),
        random.uuid(),
      ]);
      continue;
    }
    // The checkout the customer started is the one that went through, for the order's current total.
    const [completed] = await db.payments.query<ResultSetHeader>(
      `update payments set status = 'succeeded', amount = ? where id = ? and status = 'pending'`,
      [order.total, paymentId],
    );
    counts.payments_completed += completed.changedRows;
  }
  if (fresh.length > 0) {
    const [inserted] = await db.payments.query<ResultSetHeader>(
      'insert into payments (order_id, amount, currency, method, status, psp_reference, idempotency_key) values ?',
      [fresh],
    );
    counts.payments_created += inserted.affectedRows;
  }
}
