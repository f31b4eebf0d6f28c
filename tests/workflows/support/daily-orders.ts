import { type SourceWriter, seedSmallShop } from '../../support/source-writer.ts';

export const dayAfter = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Orders, lines and payments written on each of the days, with updated_at pinned to that day, so a
 * backfill of those days reads exactly them: 4 rows per order (the order, 2 lines, a payment).
 */
export async function writeDailyOrders(
  writer: SourceWriter,
  options: { firstDay: string; days: number; ordersPerDay: number },
): Promise<void> {
  const shop = await seedSmallShop(writer);
  for (let d = 0; d < options.days; d++) {
    for (let i = 0; i < options.ordersPerDay; i++) {
      const at = `${dayAfter(options.firstDay, d)} ${String(8 + (i % 3) * 5).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000000`;
      const stamps = { created_at: at, updated_at: at };
      const orderId = await writer.insert('orders', 'orders', {
        customer_id: shop.customers[i % 2],
        employee_id: shop.employees[i % 2],
        status: 'paid',
        subtotal_amount: '400.00',
        discount_amount: '0.00',
        total_amount: '400.00',
        ...stamps,
      });
      for (const productId of shop.products) {
        await writer.insert('orders', 'order_items', {
          order_id: orderId,
          product_id: productId,
          quantity: 1 + d,
          unit_price: '200.00',
          discount_amount: '0.00',
          ...stamps,
        });
      }
      await writer.insert('payments', 'payments', {
        order_id: orderId,
        amount: '400.00',
        currency: 'UAH',
        method: i === 0 ? 'card' : 'apple_pay',
        status: 'succeeded',
        psp_reference: `psp-${orderId}`,
        idempotency_key: `idem-${orderId}`,
        ...stamps,
      });
    }
  }
}
