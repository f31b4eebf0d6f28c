import type { ChangeCounts } from '../../../demo/index.ts';
import type { openSources } from './source-queries.ts';
import { rows } from './source-queries.ts';

type Row = Record<string, string | number | null>;
type Table = Map<number, Row>;

/** The rows simulate may touch, keyed by id. */
export interface SourceSnapshot {
  customers: Table;
  products: Table;
  orders: Table;
  orderItems: Table;
  payments: Table;
  outbox: Table;
}

async function table(pool: Parameters<typeof rows>[0], sql: string): Promise<Table> {
  const result = await rows<Row>(pool, sql);
  return new Map(result.map((r) => [Number(r.id), r]));
}

export async function snapshotSources(sources: ReturnType<typeof openSources>): Promise<SourceSnapshot> {
  return {
    customers: await table(sources.orders, 'select id, region_id, manager_id, updated_at from customers'),
    products: await table(sources.catalog, 'select id, name, price, category_id, updated_at from products'),
    orders: await table(
      sources.orders,
      'select id, status, subtotal_amount, discount_amount, total_amount, updated_at from orders',
    ),
    orderItems: await table(sources.orders, 'select id, order_id, updated_at from order_items'),
    payments: await table(sources.payments, 'select id, order_id, status, amount, updated_at from payments'),
    outbox: await table(sources.orders, 'select id, updated_at from outbox'),
  };
}

const added = (before: Table, after: Table) => [...after.keys()].filter((id) => !before.has(id));
const removed = (before: Table, after: Table) => [...before.keys()].filter((id) => !after.has(id));

/** Rows present before and after whose `column` changed. */
function changed(
  before: Table,
  after: Table,
  column: string,
  filter: (b: Row, a: Row) => boolean = () => true,
) {
  let n = 0;
  for (const [id, b] of before) {
    const a = after.get(id);
    if (a && a[column] !== b[column] && filter(b, a)) n++;
  }
  return n;
}

function transitions(before: Table, after: Table, from: string, to: string): number {
  return changed(before, after, 'status', (b, a) => b.status === from && a.status === to);
}

/**
 * What one simulated day did, read off the databases alone (before vs after), in the same kinds
 * simulate reports. Valid for one day: each row moves at most one step a day.
 */
export function observedChanges(before: SourceSnapshot, after: SourceSnapshot): ChangeCounts {
  const newOrders = added(before.orders, after.orders);
  const newPayments = added(before.payments, after.payments);
  const statusUnchanged = (b: Row, a: Row) => b.status === a.status;
  return {
    customers_created: added(before.customers, after.customers).length,
    customers_moved_region: changed(before.customers, after.customers, 'region_id'),
    customers_reassigned: changed(
      before.customers,
      after.customers,
      'manager_id',
      (b, a) => b.region_id === a.region_id,
    ),
    products_repriced: changed(before.products, after.products, 'price'),
    products_renamed: changed(before.products, after.products, 'name'),
    products_recategorized: changed(before.products, after.products, 'category_id'),
    orders_created: newOrders.length,
    order_items_created: added(before.orderItems, after.orderItems).length,
    orders_paid:
      transitions(before.orders, after.orders, 'pending_payment', 'paid') +
      newOrders.filter((id) => after.orders.get(id)!.status === 'paid').length,
    orders_shipped: transitions(before.orders, after.orders, 'paid', 'shipped'),
    orders_delivered: transitions(before.orders, after.orders, 'shipped', 'delivered'),
    orders_cancelled: transitions(before.orders, after.orders, 'pending_payment', 'cancelled'),
    orders_refunded: transitions(before.orders, after.orders, 'delivered', 'refunded'),
    order_items_deleted: removed(before.orderItems, after.orderItems).length,
    orders_retotaled: changed(before.orders, after.orders, 'total_amount', statusUnchanged),
    payments_created: newPayments.length,
    payments_completed: transitions(before.payments, after.payments, 'pending', 'succeeded'),
    payments_failed: transitions(before.payments, after.payments, 'pending', 'failed'),
    payments_refunded: transitions(before.payments, after.payments, 'succeeded', 'refunded'),
    outbox_events_created: added(before.outbox, after.outbox).length,
  };
}

/** Existing rows whose updated_at moved: must be exactly the rows some kind of change touched. */
export function touchedExistingRows(before: SourceSnapshot, after: SourceSnapshot) {
  return {
    customers: changed(before.customers, after.customers, 'updated_at'),
    products: changed(before.products, after.products, 'updated_at'),
    orders: changed(before.orders, after.orders, 'updated_at'),
    orderItems: changed(before.orderItems, after.orderItems, 'updated_at'),
    payments: changed(before.payments, after.payments, 'updated_at'),
  };
}
