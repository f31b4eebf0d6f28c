import type pg from 'pg';
import { describe, expect } from 'vitest';
import { resetWatermark } from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';
import { placeOrder, seedSmallShop } from '../support/source-writer.ts';
import { mirrorCounts, starSchemaDigest, TEST_TABLES } from '../support/warehouse-checks.ts';

/** The small shop with a few paid orders, loaded by a first run. */
const test = etlTest.extend<{
  shop: Awaited<ReturnType<typeof seedSmallShop>>;
  orders: Awaited<ReturnType<typeof placeOrder>>[];
}>({
  shop: [
    async ({ writer }, use) => {
      await use(await seedSmallShop(writer));
    },
    { scope: 'file' },
  ],
  orders: [
    async ({ writer, shop, run }, use) => {
      const orders = [];
      for (let i = 0; i < 4; i++) {
        orders.push(
          await placeOrder(writer, {
            customerId: shop.customers[i % 2]!,
            employeeId: shop.employees[i % 2]!,
            lines: [
              { productId: shop.products[0]!, quantity: i + 1, unitPrice: '10.00', discount: '1.00' },
              { productId: shop.products[1]!, quantity: 2, unitPrice: '4.50' },
            ],
            paidWith: 'card',
          }),
        );
      }
      await run();
      await use(orders);
    },
    { scope: 'file' },
  ],
});

/** Every fact row as stored, run id and load time included. */
const FACT_ROWS = 'select * from dwh.fact_sales order by order_item_id';

/** Live fact rows by natural keys: what two warehouses of the same sources agree on. */
const LIVE_FACT = `select f.order_item_id, f.order_id, f.order_date_key, c.customer_id, c.version as cv, p.product_id,
    p.version as pv, e.employee_id, r.region_id, m.payment_method_id, f.order_status, f.is_revenue, f.quantity,
    f.unit_price, f.gross_amount, f.discount_amount, f.net_amount, f.currency, f.order_created_at
  from dwh.fact_sales f
  join dwh.dim_customer c using (customer_key) join dwh.dim_product p using (product_key)
  join dwh.dim_employee e using (employee_key) join dwh.dim_region r using (region_key)
  join dwh.dim_payment_method m using (payment_method_key)
  where f.deleted_at is null
  order by f.order_item_id`;

/** The orders the run's affected_orders model listed for recomputation. */
async function affectedOrders(db: pg.Pool, runId: number): Promise<number> {
  const { rows } = await db.query(
    `select detail from etl.run_steps where run_id = $1 and step = 'transform' and target = 'affected_orders'`,
    [runId],
  );
  return Number(rows[0].detail.orders);
}

async function resetAll(db: pg.Pool): Promise<void> {
  for (const t of TEST_TABLES) await resetWatermark(db, `${t.database}.${t.table}`);
}

describe('re-reads cost what they change (issue 18)', () => {
  test('a re-read that changes nothing leaves the fact rows, their etl_run_id and loaded_at untouched', async ({
    deps,
    run,
    orders,
  }) => {
    expect(orders).toHaveLength(4);
    const before = await deps.warehouse.query(FACT_ROWS);
    expect(before.rows.length).toBe(8);
    const mirrorBefore = await deps.warehouse.query(
      'select id, _etl_run_id, _loaded_at from stg.orders__order_items order by id',
    );
    await resetAll(deps.warehouse);
    const summary = await run();
    // every row was read again …
    expect(summary.extracts.find((e) => e.table === 'orders.order_items')!.rows).toBe(8);
    // … recognised unchanged before any dimension lookup, and nothing written
    expect(await affectedOrders(deps.warehouse, summary.runId)).toBe(0);
    const fact = summary.transform.targets.find((t) => t.target === 'dwh.fact_sales')!;
    expect({ inserted: fact.inserted, updated: fact.updated }).toEqual({ inserted: 0, updated: 0 });
    expect((await deps.warehouse.query(FACT_ROWS)).rows).toEqual(before.rows);
    expect(
      (
        await deps.warehouse.query(
          'select id, _etl_run_id, _loaded_at from stg.orders__order_items order by id',
        )
      ).rows,
    ).toEqual(mirrorBefore.rows);
  });

  test('a re-read with one changed line rewrites that line only', async ({ deps, run, writer, orders }) => {
    const changed = orders[2]!.itemIds[0]!;
    await writer.exec('orders', 'UPDATE order_items SET quantity = quantity + 5 WHERE id = ?', [changed]);
    const before = await deps.warehouse.query(FACT_ROWS);
    await resetWatermark(deps.warehouse, 'orders.order_items');
    const summary = await run({ tables: TEST_TABLES.filter((t) => t.table === 'order_items') });
    expect(await affectedOrders(deps.warehouse, summary.runId)).toBe(1);
    const after = await deps.warehouse.query(FACT_ROWS);
    const rewritten = after.rows.filter((r) => Number(r.etl_run_id) === summary.runId);
    expect(rewritten.map((r) => Number(r.order_item_id))).toEqual([changed]);
    expect(rewritten[0].quantity).toBe(3 + 5);
    // the other lines, their run ids and load times included, are as they were
    const untouched = (rows: typeof after.rows) => rows.filter((r) => Number(r.order_item_id) !== changed);
    expect(untouched(after.rows)).toEqual(untouched(before.rows));
  });

  test('after any mix of re-reads and backfills the warehouse equals the sources', async ({
    twin,
    deps,
    run,
    writer,
    shop,
    orders,
  }) => {
    const day = async () =>
      (await writer.rows<{ d: string }>('orders', 'SELECT DATE(UTC_TIMESTAMP()) AS d'))[0]!.d;
    const backfillToday = async () => {
      const d = await day();
      return run({ kind: 'backfill', windowFrom: `${d} 00:00:00.000000`, windowTo: `${d} 23:59:59.999999` });
    };
    // a status change, a new order, a deleted line; a re-read of the orders; a backfill
    await writer.exec('orders', "UPDATE orders SET status = 'shipped' WHERE id = ?", [orders[0]!.orderId]);
    await placeOrder(writer, {
      customerId: shop.customers[1]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[1]!, quantity: 7, unitPrice: '3.00' }],
      paidWith: 'card',
    });
    await resetWatermark(deps.warehouse, 'orders.orders');
    await run();
    await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [orders[1]!.itemIds[1]!]);
    await backfillToday();
    await writer.exec('orders', 'UPDATE order_items SET discount_amount = 2.00 WHERE id = ?', [
      orders[0]!.itemIds[0]!,
    ]);
    await resetAll(deps.warehouse);
    await run();
    // a line changed by hand in the warehouse is repaired by a backfill (a plain run after it would
    // fail its gate: the rollups no longer add up to the fact)
    await deps.warehouse.query('update dwh.fact_sales set net_amount = 0 where order_item_id = $1', [
      orders[3]!.itemIds[0]!,
    ]);
    await backfillToday();
    await run();

    for (const c of await mirrorCounts(writer, deps.warehouse)) expect(c.mirror, c.table).toBe(c.source);
    await twin.run();
    // the same star schema as a first load of the same sources, but for the lines deleted since,
    // which the re-read warehouse keeps marked deleted
    const { fact_sales: _, ...dims } = await starSchemaDigest(deps.warehouse);
    const { fact_sales: __, ...cleanDims } = await starSchemaDigest(twin.deps.warehouse);
    expect(dims).toEqual(cleanDims);
    expect((await deps.warehouse.query(LIVE_FACT)).rows).toEqual(
      (await twin.deps.warehouse.query(LIVE_FACT)).rows,
    );
  });
});
