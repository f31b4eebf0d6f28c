import { expect } from 'vitest';
import { rowsOf } from '../../services/service-fixtures.ts';
import { eventually, type ShopWorld } from '../../services/shop-fixtures.ts';

/**
 * The services' invariants after a fault (issue 19): every paid order charged exactly once, for its
 * total, by one payment; every OrderPaid in the outbox published and turned into exactly one
 * notification. Fails through expect(); returns how many orders and events it compared.
 */
export async function expectOneChargePerOrder(world: ShopWorld): Promise<number> {
  const orders = await rowsOf<{ id: number; total_amount: string; payment_id: number | null }>(
    world.ordersDb,
    "select id, total_amount, payment_id from orders where status in ('paid', 'shipped', 'delivered', 'refunded')",
  );
  const charges = await rowsOf<{ order_id: number; id: number; captured_amount: string; status: string }>(
    world.paymentsDb,
    'select order_id, id, captured_amount, status from payments where captured_amount > 0',
  );
  for (const order of orders) {
    const mine = charges.filter((c) => Number(c.order_id) === Number(order.id));
    expect(mine, `payments holding money for order ${order.id}`).toHaveLength(1);
    expect(Number(mine[0]!.id), `order ${order.id}'s payment`).toBe(Number(order.payment_id));
    expect(mine[0]!.captured_amount, `captured for order ${order.id}`).toBe(order.total_amount);
  }
  const orphans = charges.filter((c) => !orders.some((o) => Number(o.id) === Number(c.order_id)));
  expect(orphans, 'money captured for orders that are not paid').toEqual([]);
  return orders.length;
}

export async function expectOneNotificationPerOrderPaid(world: ShopWorld, seconds = 120): Promise<number> {
  const paid = await rowsOf<{ event_id: string }>(
    world.ordersDb,
    "select event_id from outbox where event_type = 'OrderPaid' order by id",
  );
  const wanted = new Set(paid.map((r) => r.event_id));
  await eventually(async () => {
    const rows = await rowsOf<{ event_id: string }>(
      world.notificationsDb,
      "select distinct event_id from notifications where event_type = 'OrderPaid'",
    );
    return rows.filter((r) => wanted.has(r.event_id)).length === wanted.size ? true : undefined;
  }, seconds);
  const perEvent = await rowsOf<{ event_id: string; n: number }>(
    world.notificationsDb,
    "select event_id, count(*) as n from notifications where event_type = 'OrderPaid' group by event_id",
  );
  expect(
    perEvent.filter((r) => Number(r.n) !== 1),
    'OrderPaid events notified more than once',
  ).toEqual([]);
  expect(perEvent.map((r) => r.event_id).sort(), 'one notification per OrderPaid').toEqual(
    [...wanted].sort(),
  );
  return wanted.size;
}
