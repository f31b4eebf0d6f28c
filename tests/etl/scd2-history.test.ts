import { describe, expect } from 'vitest';
import { etlTest } from '../support/fixtures.ts';
import { placeOrder, seedSmallShop } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

describe('SCD2 history and as-of keys', () => {
  etlTest(
    'keeps three versions of a customer who moved region twice, each fact keyed to the version of its time',
    async ({ writer, deps, run }) => {
      const shop = await seedSmallShop(writer);
      const kharkiv = await writer.insert('orders', 'regions', { code: 'KHAR', name: 'Харківська область' });
      const customer = shop.customers[0]!;
      const line = [{ productId: shop.products[0]!, quantity: 1, unitPrice: '100.00' }];
      const order1 = await placeOrder(writer, {
        customerId: customer,
        employeeId: shop.employees[0]!,
        lines: line,
        paidWith: 'card',
      });
      await run();

      await writer.exec('orders', 'UPDATE customers SET region_id = ? WHERE id = ?', [
        shop.regions[1],
        customer,
      ]);
      const order2 = await placeOrder(writer, {
        customerId: customer,
        employeeId: shop.employees[0]!,
        lines: line,
        paidWith: 'card',
      });
      await run();

      await writer.exec('orders', 'UPDATE customers SET region_id = ? WHERE id = ?', [kharkiv, customer]);
      const order3 = await placeOrder(writer, {
        customerId: customer,
        employeeId: shop.employees[0]!,
        lines: line,
      });
      await run();

      const { rows: versions } = await deps.warehouse.query(
        `select version, region_id::int, is_current, valid_from, valid_to from dwh.dim_customer
       where customer_id = $1 order by version`,
        [customer],
      );
      expect(versions.map((v) => [v.version, v.region_id, v.is_current])).toEqual([
        [1, shop.regions[0], false],
        [2, shop.regions[1], false],
        [3, kharkiv, true],
      ]);
      // contiguous validity: each version ends where the next begins
      expect(versions[0].valid_to).toBe(versions[1].valid_from);
      expect(versions[1].valid_to).toBe(versions[2].valid_from);
      expect(versions[2].valid_to).toMatch(/^9999-12-31/);

      const { rows: facts } = await deps.warehouse.query(
        `select f.order_id::int, c.version, r.region_id::int
       from dwh.fact_sales f join dwh.dim_customer c using (customer_key) join dwh.dim_region r using (region_key)
       order by f.order_id`,
      );
      const byOrder = new Map(facts.map((f) => [f.order_id, [f.version, f.region_id]]));
      expect(byOrder.get(order1.orderId)).toEqual([1, shop.regions[0]]);
      expect(byOrder.get(order2.orderId)).toEqual([2, shop.regions[1]]);
      expect(byOrder.get(order3.orderId)).toEqual([3, kharkiv]);
    },
  );

  etlTest(
    'points an order older than every version at the earliest version',
    async ({ writer, deps, run }) => {
      const [customer] = await writer.rows<{ id: number }>(
        'orders',
        'SELECT id FROM customers ORDER BY id LIMIT 1',
      );
      const [product] = await writer.rows<{ id: number }>(
        'catalog',
        'SELECT id FROM products ORDER BY id LIMIT 1',
      );
      const old = await placeOrder(writer, {
        customerId: customer!.id,
        employeeId: 1,
        createdAt: '2020-01-15 10:00:00.000000',
        lines: [{ productId: product!.id, quantity: 2, unitPrice: '10.00' }],
      });
      await run();
      const { rows } = await deps.warehouse.query(
        `select c.version, f.order_date_key from dwh.fact_sales f join dwh.dim_customer c using (customer_key) where f.order_id = $1`,
        [old.orderId],
      );
      expect(rows).toEqual([{ version: 1, order_date_key: 20200115 }]);
    },
  );

  etlTest(
    're-keys facts when a dimension change older than them arrives late',
    async ({ writer, deps, run }) => {
      const [product] = await writer.rows<{ id: number }>(
        'catalog',
        'SELECT id FROM products ORDER BY id DESC LIMIT 1',
      );
      const [customer] = await writer.rows<{ id: number }>(
        'orders',
        'SELECT id FROM customers ORDER BY id LIMIT 1',
      );
      // the product rename happens before the order, but its transaction commits after the next run
      const held = await writer.pool('catalog').getConnection();
      await held.query("SET time_zone = '+00:00'");
      await held.beginTransaction();
      await held.query("UPDATE products SET name = 'Renamed late' WHERE id = ?", [product!.id]);
      await new Promise((r) => setTimeout(r, 20));
      const order = await placeOrder(writer, {
        customerId: customer!.id,
        employeeId: 1,
        lines: [{ productId: product!.id, quantity: 1, unitPrice: '5.00' }],
      });
      await run();
      const before = await deps.warehouse.query(
        `select p.product_name from dwh.fact_sales f join dwh.dim_product p using (product_key) where f.order_id = $1`,
        [order.orderId],
      );
      expect(before.rows[0].product_name).not.toBe('Renamed late');
      await held.commit();
      held.release();
      await run();
      const { rows } = await deps.warehouse.query(
        `select p.product_name, p.is_current from dwh.fact_sales f join dwh.dim_product p using (product_key) where f.order_id = $1`,
        [order.orderId],
      );
      expect(rows).toEqual([{ product_name: 'Renamed late', is_current: true }]);
    },
  );

  etlTest(
    're-keys facts of a customer, an employee and a product whose change, older than the order, arrives a run later',
    async ({ writer, deps, run }) => {
      const [customer] = await writer.rows<{ id: number }>(
        'orders',
        'SELECT id FROM customers ORDER BY id LIMIT 1',
      );
      const [employee] = await writer.rows<{ id: number }>(
        'orders',
        'SELECT id FROM employees ORDER BY id LIMIT 1',
      );
      const [product] = await writer.rows<{ id: number }>(
        'catalog',
        'SELECT id FROM products ORDER BY id LIMIT 1',
      );
      const order = await placeOrder(writer, {
        customerId: customer!.id,
        employeeId: employee!.id,
        lines: [{ productId: product!.id, quantity: 1, unitPrice: '9.00' }],
      });
      // a later order of someone else: the extract reads the watermark's own row again, so this one
      const [other] = await writer.rows<{ customer: number; employee: number }>(
        'orders',
        'SELECT (SELECT MAX(id) FROM customers) AS customer, (SELECT MAX(id) FROM employees) AS employee',
      );
      await new Promise((r) => setTimeout(r, 5));
      await placeOrder(writer, {
        customerId: other!.customer,
        employeeId: other!.employee,
        lines: [{ productId: product!.id, quantity: 1, unitPrice: '1.00' }],
      });
      await run();
      // both changes took effect just before the order was created, but reach the warehouse only now
      // (as a late-committing transaction would deliver them); the order itself is not extracted again
      const [late] = await writer.rows<{ created_at: string }>(
        'orders',
        "SELECT DATE_FORMAT(created_at - INTERVAL 1 MICROSECOND, '%Y-%m-%d %H:%i:%s.%f') AS created_at FROM orders WHERE id = ?",
        [order.orderId],
      );
      await writer.exec('orders', "UPDATE customers SET city = 'Ужгород', updated_at = ? WHERE id = ?", [
        late!.created_at,
        customer!.id,
      ]);
      await writer.exec('orders', "UPDATE employees SET position = 'lead', updated_at = ? WHERE id = ?", [
        late!.created_at,
        employee!.id,
      ]);
      await writer.exec(
        'catalog',
        "UPDATE products SET name = 'Renamed before the order', updated_at = ? WHERE id = ?",
        [late!.created_at, product!.id],
      );
      // no lookback for the order's tables: only the late versions can bring the order back
      const tables = TEST_TABLES.map((t) =>
        ['customers', 'employees', 'products'].includes(t.table) ? t : { ...t, lookbackSeconds: 0 },
      );
      const summary = await run({ tables });
      expect(summary.extracts.find((e) => e.table === 'orders.orders')!.rows).toBe(1);
      const { rows } = await deps.warehouse.query(
        `select c.city, c.is_current as customer_current, e.position, e.is_current as employee_current,
              p.product_name, p.is_current as product_current
       from dwh.fact_sales f
       join dwh.dim_customer c using (customer_key)
       join dwh.dim_employee e using (employee_key)
       join dwh.dim_product p using (product_key)
       where f.order_id = $1`,
        [order.orderId],
      );
      expect(rows).toEqual([
        {
          city: 'Ужгород',
          customer_current: true,
          position: 'lead',
          employee_current: true,
          product_name: 'Renamed before the order',
          product_current: true,
        },
      ]);
    },
  );
});
