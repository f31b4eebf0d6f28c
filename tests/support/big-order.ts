import { placeOrder, type SourceWriter, seedSmallShop } from './source-writer.ts';

/**
 * A small shop with one order of `lines` order lines: enough rows to keep an extract's COPY busy for
 * a few seconds, so a test can act while it runs (as tests/faults/etl-worker-kill.test.ts does).
 */
export async function seedBigOrder(writer: SourceWriter, lines: number): Promise<SmallShop> {
  const shop = await seedSmallShop(writer);
  await addBigOrder(writer, shop, lines);
  return shop;
}

export type SmallShop = Awaited<ReturnType<typeof seedSmallShop>>;

/** One more order of `lines` order lines in a shop already seeded: work for the next incremental run. */
export async function addBigOrder(writer: SourceWriter, shop: SmallShop, lines: number): Promise<number> {
  const { orderId } = await placeOrder(writer, {
    customerId: shop.customers[0]!,
    employeeId: shop.employees[0]!,
    lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '1.00' }],
    paidWith: 'card',
  });
  let count = 1;
  while (count < lines) {
    await writer.exec(
      'orders',
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price, discount_amount)
       SELECT order_id, product_id, quantity + 1, unit_price, discount_amount FROM order_items WHERE order_id = ? LIMIT ?`,
      [orderId, lines - count],
    );
    const [row] = await writer.rows<{ n: number }>(
      'orders',
      'SELECT COUNT(*) AS n FROM order_items WHERE order_id = ?',
      [orderId],
    );
    count = Number(row!.n);
  }
  return orderId;
}

/** Waits until a COPY into the order_items batch runs in the given warehouse database. */
export async function waitForOrderItemsCopy(
  query: (sql: string, values: unknown[]) => Promise<{ rows: { n: number }[] }>,
  dwhName: string,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await query(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'copy stg.%order_items%'`,
      [dwhName],
    );
    if (rows[0]!.n > 0) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}
