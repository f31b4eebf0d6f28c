import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { OrdersDatabase } from '../database.ts';
import type { Order } from '../schemas/orders.ts';
import { type OrderStatus, STATUS_TIMESTAMP } from '../status-machine.ts';

type Db = Kysely<OrdersDatabase> | Transaction<OrdersDatabase>;

export interface NewOrder {
  customerId: number;
  managerId: number | null;
  currency: string;
  discountId: number | null;
  subtotal: string;
  discount: string;
  total: string;
  lines: { productId: number; quantity: number; unitPrice: string; discount: string }[];
}

const nullableNumber = (v: string | null) => (v === null ? null : Number(v));

/**
 * An order with its lines, as the API answers it: one query (the order joined to its lines), where
 * two (order, then lines) cost a second round trip on every order written or read — twice per
 * checkout (decision 0027).
 */
export async function readOrder(db: Db, id: number): Promise<Order | undefined> {
  const rows = await db
    .selectFrom('orders as o')
    .leftJoin('discounts as d', 'd.id', 'o.discount_id')
    .leftJoin('order_items as i', 'i.order_id', 'o.id')
    .selectAll('o')
    .select([
      'd.code as discount_code',
      'i.id as item_id',
      'i.product_id as item_product_id',
      'i.quantity as item_quantity',
      'i.unit_price as item_unit_price',
      'i.discount_amount as item_discount_amount',
    ])
    .where('o.id', '=', String(id))
    .orderBy('i.id')
    .execute();
  const row = rows[0];
  if (!row) return undefined;
  const items = rows.flatMap((i) =>
    i.item_id === null
      ? []
      : [
          {
            id: Number(i.item_id),
            productId: Number(i.item_product_id),
            quantity: Number(i.item_quantity),
            unitPrice: i.item_unit_price!,
            discountAmount: i.item_discount_amount!,
          },
        ],
  );
  return {
    id: Number(row.id),
    customerId: Number(row.customer_id),
    managerId: nullableNumber(row.employee_id),
    status: row.status as OrderStatus,
    currency: row.currency,
    subtotalAmount: row.subtotal_amount,
    discountAmount: row.discount_amount,
    totalAmount: row.total_amount,
    discountCode: row.discount_code ?? null,
    paymentId: nullableNumber(row.payment_id),
    items,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    paidAt: row.paid_at,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    cancelledAt: row.cancelled_at,
    refundedAt: row.refunded_at,
  };
}

export async function insertOrder(trx: Transaction<OrdersDatabase>, order: NewOrder): Promise<number> {
  const result = await trx
    .insertInto('orders')
    .values({
      customer_id: String(order.customerId),
      employee_id: order.managerId === null ? null : String(order.managerId),
      status: 'pending_payment',
      currency: order.currency,
      discount_id: order.discountId === null ? null : String(order.discountId),
      subtotal_amount: order.subtotal,
      discount_amount: order.discount,
      total_amount: order.total,
    })
    .executeTakeFirstOrThrow();
  const orderId = String(result.insertId);
  await trx
    .insertInto('order_items')
    .values(
      order.lines.map((l) => ({
        order_id: orderId,
        product_id: String(l.productId),
        quantity: l.quantity,
        unit_price: l.unitPrice,
        discount_amount: l.discount,
      })),
    )
    .execute();
  return Number(orderId);
}

/** The order's row locked until the transaction ends: concurrent status changes wait here. */
export async function lockOrder(trx: Transaction<OrdersDatabase>, id: number) {
  return trx
    .selectFrom('orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id', 'o.status', 'o.total_amount', 'o.currency', 'o.payment_id', 'o.customer_id'])
    .select(['c.user_id', 'c.email', 'c.manager_id'])
    .where('o.id', '=', String(id))
    .forUpdate()
    .executeTakeFirst();
}

export async function moveOrder(
  trx: Transaction<OrdersDatabase>,
  id: number,
  to: OrderStatus,
  extra: { paymentId?: number } = {},
): Promise<void> {
  const stamp = to === 'pending_payment' ? undefined : STATUS_TIMESTAMP[to];
  await trx
    .updateTable('orders')
    .set({
      status: to,
      ...(stamp ? { [stamp]: sql`current_timestamp(6)` } : {}),
      ...(extra.paymentId !== undefined ? { payment_id: String(extra.paymentId) } : {}),
    })
    .where('id', '=', String(id))
    .execute();
}

/** An event for Kafka, written in the caller's transaction (the outbox); the relay publishes it. */
export async function addToOutbox(
  trx: Transaction<OrdersDatabase>,
  orderId: number,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  const id = randomUUID();
  const event = { id, type, occurredAt: new Date().toISOString(), data };
  await trx
    .insertInto('outbox')
    .values({
      event_id: id,
      aggregate_type: 'order',
      aggregate_id: String(orderId),
      event_type: type,
      payload: JSON.stringify(event),
    })
    .execute();
}

/** Order ids a caller may see, newest first: their own, their customers', or all for admin. */
export async function listOrderIds(
  db: Db,
  filter: { customerId?: number; managerId?: number; all: boolean; limit: number; before?: number },
): Promise<number[]> {
  let query = db
    .selectFrom('orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select('o.id');
  if (!filter.all) {
    query = query.where((eb) =>
      eb.or([
        eb('o.customer_id', '=', String(filter.customerId ?? 0)),
        eb('c.manager_id', '=', String(filter.managerId ?? 0)),
      ]),
    );
  }
  if (filter.before !== undefined) query = query.where('o.id', '<', String(filter.before));
  const rows = await query.orderBy('o.id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => Number(r.id));
}
