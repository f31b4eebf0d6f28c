import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { formatKopecks, parseKopecks } from '../money.ts';
import { type DayContext, inTransaction, sample, selectRows } from './day-context.ts';

interface ItemRow {
  id: string;
  order_id: string;
  quantity: number;
  unit_price: string;
  discount_amount: string;
}

/**
 * Customers drop a line from a basket they have not paid yet: the order item is hard-deleted (the
 * ETL has to notice rows that vanish) and the order's totals are recomputed from the lines left, in
 * one transaction, as the orders service does.
 */
export async function trimUnpaidOrders(ctx: DayContext, orderIds: readonly number[]): Promise<void> {
  if (orderIds.length === 0 || ctx.volumes.trimmedOrders === 0) return;
  const items = await selectRows<ItemRow>(
    ctx.db.orders,
    'select id, order_id, quantity, unit_price, discount_amount from order_items where order_id in (?) order by id',
    [orderIds],
  );
  const byOrder = new Map<number, ItemRow[]>();
  for (const item of items) {
    const orderId = Number(item.order_id);
    byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), item]);
  }
  const trimmable = [...byOrder.entries()].filter(([, lines]) => lines.length >= 2);
  for (const [orderId, lines] of sample(ctx.random, trimmable, ctx.volumes.trimmedOrders)) {
    const dropped = ctx.random.pick(lines);
    const kept = lines.filter((line) => line !== dropped);
    const subtotal = kept.reduce((sum, l) => sum + l.quantity * parseKopecks(l.unit_price), 0);
    const discount = kept.reduce((sum, l) => sum + parseKopecks(l.discount_amount), 0);
    await inTransaction(ctx.db.orders, async (connection) => {
      const [order] = await connection.query<RowDataPacket[]>(
        `select id from orders where id = ? and status = 'pending_payment' for update`,
        [orderId],
      );
      if (order.length === 0) return;
      const [deleted] = await connection.query<ResultSetHeader>('delete from order_items where id = ?', [
        dropped.id,
      ]);
      const [updated] = await connection.query<ResultSetHeader>(
        'update orders set subtotal_amount = ?, discount_amount = ?, total_amount = ? where id = ?',
        [formatKopecks(subtotal), formatKopecks(discount), formatKopecks(subtotal - discount), orderId],
      );
      ctx.counts.order_items_deleted += deleted.affectedRows;
      ctx.counts.orders_retotaled += updated.changedRows;
    });
  }
}
