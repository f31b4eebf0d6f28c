import { describe, expect } from 'vitest';
import { expectWarehouseEqualsSources } from '../faults/support/invariants.ts';
import { loadedShopTest } from '../support/fixtures.ts';
import { rollupDifferences } from '../support/rollup-checks.ts';
import { placeOrder } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

/** The small shop, loaded by a first run. */
const test = loadedShopTest;

describe('late-arriving dimensions and backfills', () => {
  test('gives a fact whose product is not loaded yet an inferred member, completed in place when the product arrives', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const lateProductId = 9_001;
    const { orderId } = await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: lateProductId, quantity: 3, unitPrice: '7.00' }],
    });
    await run();
    const { rows: inferred } = await deps.warehouse.query(
      `select p.product_key, p.is_inferred, p.product_name from dwh.fact_sales f join dwh.dim_product p using (product_key)
       where f.order_id = $1`,
      [orderId],
    );
    expect(inferred).toHaveLength(1);
    expect(inferred[0]).toMatchObject({ is_inferred: true, product_name: 'Unknown (inferred)' });

    const [category] = await writer.rows<{ id: number }>(
      'catalog',
      'SELECT id FROM categories ORDER BY id LIMIT 1',
    );
    await writer.insert('catalog', 'products', {
      id: lateProductId,
      sku: 'LATE-1',
      name: 'Прибув пізніше',
      category_id: category!.id,
      price: '7.00',
    });
    await run();
    const { rows: completed } = await deps.warehouse.query(
      `select p.product_key, p.is_inferred, p.product_name, p.version, p.is_current
       from dwh.fact_sales f join dwh.dim_product p using (product_key) where f.order_id = $1`,
      [orderId],
    );
    expect(completed).toEqual([
      {
        product_key: inferred[0].product_key,
        is_inferred: false,
        product_name: 'Прибув пізніше',
        version: 1,
        is_current: true,
      },
    ]);
    const { rows: versions } = await deps.warehouse.query(
      'select count(*)::int as n from dwh.dim_product where product_id = $1',
      [lateProductId],
    );
    expect(versions[0].n).toBe(1);
  });

  test("moves a fact loaded before its customer to the customer's region when the customer arrives", async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    // the customer is committed with the order, but the run reads the orders before the customers
    // (the customers' extract is left out here, as a customer committed late would be)
    const lateCustomerId = await writer.insert('orders', 'customers', {
      email: 'late@x.ua',
      full_name: 'Прийшла пізніше',
      region_id: shop.regions[1],
      manager_id: shop.employees[1],
      city: 'Львів',
    });
    const { orderId } = await placeOrder(writer, {
      customerId: lateCustomerId,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[1]!, quantity: 2, unitPrice: '299.50' }],
      paidWith: 'card',
    });
    await run({ tables: TEST_TABLES.filter((t) => !(t.database === 'orders' && t.table === 'customers')) });
    const factRegion = `select r.region_id, f.region_key, f.etl_run_id
       from dwh.fact_sales f left join dwh.dim_region r on r.region_key = f.region_key and r.region_key <> 0
       where f.order_id = $1`;
    const { rows: before } = await deps.warehouse.query(factRegion, [orderId]);
    expect(before).toMatchObject([{ region_id: null, region_key: '0' }]);

    const summary = await run();
    const { rows: after } = await deps.warehouse.query(factRegion, [orderId]);
    // the fact is rewritten by this run, with the key of the customer's region
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ region_id: String(shop.regions[1]), etl_run_id: String(summary.runId) });
    // every fact's region is its customer's region in the source
    const sourceRegions = new Map(
      (
        await writer.rows<{ id: number; region_id: number }>('orders', 'SELECT id, region_id FROM customers')
      ).map((c) => [Number(c.id), Number(c.region_id)]),
    );
    const { rows: facts } = await deps.warehouse.query<{ customer_id: string; region_id: string | null }>(
      `select c.customer_id::text, r.region_id::text from dwh.fact_sales f
       join dwh.dim_customer c using (customer_key) left join dwh.dim_region r on r.region_key = f.region_key
       where f.deleted_at is null`,
    );
    for (const f of facts)
      expect(Number(f.region_id), `region of customer ${f.customer_id}`).toBe(
        sourceRegions.get(Number(f.customer_id)),
      );
    for (const d of await rollupDifferences(deps.warehouse))
      expect(d.missingOrWrong.concat(d.extra), d.table).toEqual([]);
    await expectWarehouseEqualsSources(writer, deps.warehouse);
  });

  test('repairs a window with a backfill and leaves the watermarks where they were', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const { orderId } = await placeOrder(writer, {
      customerId: shop.customers[1]!,
      employeeId: shop.employees[1]!,
      lines: [{ productId: shop.products[0]!, quantity: 2, unitPrice: '10.00', discount: '1.00' }],
      paidWith: 'card',
    });
    await run();
    const { rows: marks } = await deps.warehouse.query(
      'select source_table, cursor_updated_at, cursor_id from etl.watermarks order by 1',
    );
    // someone damages the warehouse by hand
    await deps.warehouse.query('update dwh.fact_sales set net_amount = 0 where order_id = $1', [orderId]);
    const [order] = await writer.rows<{ day: string }>(
      'orders',
      'SELECT DATE(updated_at) AS day FROM orders WHERE id = ?',
      [orderId],
    );
    const summary = await run({
      kind: 'backfill',
      windowFrom: `${order!.day} 00:00:00.000000`,
      windowTo: `${order!.day} 23:59:59.999999`,
    });
    expect(summary.transform.targets.find((t) => t.target === 'dwh.fact_sales')!.updated).toBe(1);
    const { rows } = await deps.warehouse.query('select net_amount from dwh.fact_sales where order_id = $1', [
      orderId,
    ]);
    expect(rows).toEqual([{ net_amount: '19.00' }]);
    const { rows: after } = await deps.warehouse.query(
      'select source_table, cursor_updated_at, cursor_id from etl.watermarks order by 1',
    );
    expect(after).toEqual(marks);
  });
});
