import type { SeededRandom } from '../random/seeded-random.ts';
import { changeCatalog } from './catalog-changes.ts';
import { type ChangeCounts, emptyCounts } from './change-counts.ts';
import { createCustomers, loadTerritories, moveCustomers } from './customer-changes.ts';
import {
  type DayContext,
  type DayVolumes,
  type SimulationDatabases,
  sample,
  selectRows,
} from './day-context.ts';
import { trimUnpaidOrders } from './item-deletions.ts';
import { placeOrders } from './new-orders.ts';
import {
  cancelOrders,
  deliverOrders,
  recentOrdersByStatus,
  refundOrders,
  shipOrders,
} from './order-transitions.ts';
import { payOrders } from './pay-orders.ts';

/** Days of orders whose status may still move (older ones are settled). */
const RECENT_ORDER_DAYS = 60;

/** The shop's current size: the largest ids, which grow as auto-increment keys do. */
export interface ShopSize {
  orders: number;
  customers: number;
  products: number;
}

export async function measureShop(db: SimulationDatabases): Promise<ShopSize> {
  const [orders] = await selectRows<{ n: number }>(db.orders, 'select coalesce(max(id), 0) as n from orders');
  const [customers] = await selectRows<{ n: number }>(
    db.orders,
    'select coalesce(max(id), 0) as n from customers',
  );
  const [products] = await selectRows<{ n: number }>(
    db.catalog,
    'select coalesce(max(id), 0) as n from products',
  );
  return {
    orders: Number(orders?.n ?? 0),
    customers: Number(customers?.n ?? 0),
    products: Number(products?.n ?? 0),
  };
}

/** A day's volumes in proportion to the shop: seeded orders cover two years, so a day is 1/730 of them. */
export function dayVolumes(random: SeededRandom, size: ShopSize): DayVolumes {
  const newOrders = Math.max(3, Math.round((size.orders / 730) * random.float(0.85, 1.15)));
  return {
    newOrders,
    newCustomers: Math.max(1, Math.round((size.customers / 730) * random.float(1.0, 1.4))),
    customerMoves: Math.max(1, Math.round(size.customers * 0.0005)),
    repricedProducts: Math.max(1, Math.round(size.products * 0.005)),
    renamedProducts: Math.max(1, Math.round(size.products * 0.001)),
    movedProducts: Math.max(1, Math.round(size.products * 0.0005)),
    refunds: Math.max(1, Math.round(newOrders * 0.01)),
    trimmedOrders: Math.max(1, Math.round(newOrders * 0.02)),
    recentOrderFloor: Math.max(0, size.orders - Math.max(5000, newOrders * RECENT_ORDER_DAYS)),
  };
}

/**
 * One business day. Orders move one step from where they stood in the morning (so no order is counted
 * under two kinds): of the unpaid, about 65% pay, 15% are abandoned and a few lose a line; 75% of the
 * paid ship; 60% of the shipped arrive; a few delivered ones come back. Then come the catalogue's and
 * the customers' changes, new customers and the day's new orders, 60% paid at checkout.
 */
export async function simulateDay(
  db: SimulationDatabases,
  random: SeededRandom,
  size: ShopSize,
): Promise<ChangeCounts> {
  const ctx: DayContext = { db, random, volumes: dayVolumes(random, size), counts: emptyCounts() };
  const morning = await recentOrdersByStatus(ctx);
  const pending = sample(random, morning.pending, morning.pending.length);
  const paying = pending.slice(0, Math.round(pending.length * 0.65));
  const abandoned = pending.slice(paying.length, paying.length + Math.round(pending.length * 0.15));
  const waiting = pending.slice(paying.length + abandoned.length);

  await payOrders(ctx, paying);
  await cancelOrders(
    ctx,
    abandoned.map((o) => o.id),
  );
  await trimUnpaidOrders(
    ctx,
    waiting.map((o) => o.id),
  );
  await shipOrders(ctx, sample(random, morning.paid, Math.round(morning.paid.length * 0.75)));
  await deliverOrders(ctx, sample(random, morning.shipped, Math.round(morning.shipped.length * 0.6)));
  await refundOrders(ctx, sample(random, morning.delivered, ctx.volumes.refunds));

  await changeCatalog(ctx);
  const territories = await loadTerritories(ctx);
  await moveCustomers(ctx, territories);
  await createCustomers(ctx, territories);
  await payOrders(ctx, await placeOrders(ctx));
  return ctx.counts;
}
