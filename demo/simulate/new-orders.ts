import type { ResultSetHeader } from 'mysql2/promise';
import { pickLineCount, pickQuantity } from '../generate/order-lines.ts';
import {
  FIXED_DISCOUNT_MIN_BASKET_MULTIPLE,
  type OrderDiscount,
  priceOrder,
} from '../generate/order-pricing.ts';
import { formatKopecks, parseKopecks } from '../money.ts';
import { type DayContext, inTransaction, randomIds, selectRows } from './day-context.ts';
import type { PayableOrder } from './pay-orders.ts';

/** Share of new orders paid at checkout, the same day. */
const PAID_AT_CHECKOUT = 0.6;
const DISCOUNTED_SHARE = 0.15;

interface ShelfProduct {
  id: number;
  price: number;
}

/**
 * The day's new orders, each inserted with its lines in one transaction as the orders service does
 * (status pending_payment, timestamps from the database clock). Returns the ones whose payment goes
 * through at checkout; the caller pays them.
 */
export async function placeOrders(ctx: DayContext): Promise<PayableOrder[]> {
  const { random, volumes, db } = ctx;
  if (volumes.newOrders === 0) return [];
  const customers = await pickCustomers(ctx, volumes.newOrders);
  const shelf = await pickShelf(ctx, volumes.newOrders * 4);
  if (customers.length === 0 || shelf.length === 0) return [];
  const discounts = await selectRows<{ id: string; kind: 'percent' | 'fixed'; value: string }>(
    db.orders,
    `select id, kind, value from discounts
      where active = 1 and (valid_from is null or valid_from <= now(6)) and (valid_to is null or valid_to > now(6))
      order by id`,
  );
  const paidAtCheckout: PayableOrder[] = [];
  for (let i = 0; i < volumes.newOrders; i++) {
    const customer = random.pick(customers);
    const lines = new Map<number, { productId: number; quantity: number; unitPrice: number }>();
    const lineCount = pickLineCount(random);
    for (let attempt = 0; lines.size < lineCount && attempt < lineCount * 4; attempt++) {
      const product = random.pick(shelf);
      if (!lines.has(product.id)) {
        lines.set(product.id, {
          productId: product.id,
          quantity: pickQuantity(random),
          unitPrice: product.price,
        });
      }
    }
    const basket = [...lines.values()];
    const code = discounts.length > 0 && random.chance(DISCOUNTED_SHARE) ? random.pick(discounts) : undefined;
    let discount: OrderDiscount | null = code
      ? { kind: code.kind, amount: code.kind === 'percent' ? Number(code.value) : parseKopecks(code.value) }
      : null;
    let price = priceOrder(basket, discount);
    if (discount?.kind === 'fixed' && price.subtotal < discount.amount * FIXED_DISCOUNT_MIN_BASKET_MULTIPLE) {
      discount = null;
      price = priceOrder(basket, null);
    }
    const orderId = await inTransaction(db.orders, async (connection) => {
      const [order] = await connection.query<ResultSetHeader>(
        `insert into orders (customer_id, employee_id, status, currency, discount_id, subtotal_amount, discount_amount, total_amount)
         values (?, ?, 'pending_payment', 'UAH', ?, ?, ?, ?)`,
        [
          customer.id,
          customer.managerId,
          discount ? code!.id : null,
          formatKopecks(price.subtotal),
          formatKopecks(price.discount),
          formatKopecks(price.total),
        ],
      );
      const [items] = await connection.query<ResultSetHeader>(
        'insert into order_items (order_id, product_id, quantity, unit_price, discount_amount) values ?',
        [
          basket.map((line, n) => [
            order.insertId,
            line.productId,
            line.quantity,
            formatKopecks(line.unitPrice),
            formatKopecks(price.lineDiscounts[n]!),
          ]),
        ],
      );
      ctx.counts.orders_created += order.affectedRows;
      ctx.counts.order_items_created += items.affectedRows;
      return order.insertId;
    });
    if (random.chance(PAID_AT_CHECKOUT)) {
      paidAtCheckout.push({ id: orderId, customerId: customer.id, total: formatKopecks(price.total) });
    }
  }
  return paidAtCheckout;
}

/** Customers who shop today, with their current manager (who handles the order). */
async function pickCustomers(
  ctx: DayContext,
  count: number,
): Promise<{ id: number; managerId: number | null }[]> {
  const [{ maxId } = { maxId: 0 }] = await selectRows<{ maxId: number }>(
    ctx.db.orders,
    'select coalesce(max(id), 0) as maxId from customers',
  );
  const ids = randomIds(ctx.random, Number(maxId), count);
  if (ids.length === 0) return [];
  const rows = await selectRows<{ id: string; manager_id: string | null }>(
    ctx.db.orders,
    'select id, manager_id from customers where id in (?) order by id',
    [ids],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    managerId: r.manager_id === null ? null : Number(r.manager_id),
  }));
}

/** Active products at today's prices. */
async function pickShelf(ctx: DayContext, count: number): Promise<ShelfProduct[]> {
  const [{ maxId } = { maxId: 0 }] = await selectRows<{ maxId: number }>(
    ctx.db.catalog,
    'select coalesce(max(id), 0) as maxId from products',
  );
  const ids = randomIds(ctx.random, Number(maxId), count);
  if (ids.length === 0) return [];
  const rows = await selectRows<{ id: string; price: string }>(
    ctx.db.catalog,
    'select id, price from products where active = 1 and id in (?) order by id',
    [ids],
  );
  return rows.map((r) => ({ id: Number(r.id), price: parseKopecks(r.price) }));
}
