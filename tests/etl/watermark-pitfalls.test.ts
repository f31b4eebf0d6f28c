import { describe, expect } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { createMysqlPool } from '../../core/mysql-pool.ts';
import { createPipelineDeps, etlStatus, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { readWatermark } from '../../warehouse/index.ts';
import { loadedShopTest } from '../support/fixtures.ts';
import { placeOrder, type SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

/** The small shop, loaded by a first run. */
const test = loadedShopTest;
// small pages and commits so that 10,000 rows cross many boundaries
test.scoped({ tuning: { pageRows: 997, chunkRows: 101, commitEveryRows: 2_003 } });

/** An order line under a key of the test's choosing (ranges far apart, a key that comes back). */
const insertLine = (writer: SourceWriter, id: number, orderId: number, productId: number, quantity = 1) =>
  writer.exec(
    'orders',
    'INSERT INTO order_items (id, order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, 10.00)',
    [id, orderId, productId, quantity],
  );
const factLines = async (deps: PipelineDeps, orderId: number) =>
  (await deps.warehouse.query('select count(*)::int as n from dwh.fact_sales where order_id = $1', [orderId]))
    .rows[0].n;

describe('watermark pitfalls', () => {
  test('loads a row whose transaction was held open across a run, with updated_at older than the saved watermark', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const held = await writer.pool('orders').getConnection();
    await held.query("SET time_zone = '+00:00'");
    await held.beginTransaction();
    const [insert] = (await held.query(
      "INSERT INTO customers (email, full_name, region_id, manager_id) VALUES ('late@x.ua', 'Пізній Клієнт', ?, ?)",
      [shop.regions[0], shop.employees[0]],
    )) as unknown as [{ insertId: number }];
    const [[lateRow]] = (await held.query('SELECT updated_at FROM customers WHERE id = ?', [
      insert.insertId,
    ])) as unknown as [[{ updated_at: string }]];
    await new Promise((r) => setTimeout(r, 20));
    await writer.insert('orders', 'customers', {
      email: 'early@x.ua',
      full_name: 'Committed First',
      region_id: shop.regions[0],
    });
    await run();

    const saved = await readWatermark(deps.warehouse, 'orders.customers');
    expect(saved!.updatedAt > String(lateRow.updated_at)).toBe(true);
    const missing = await deps.warehouse.query('select 1 from dwh.dim_customer where customer_id = $1', [
      insert.insertId,
    ]);
    expect(missing.rowCount).toBe(0);

    await held.commit();
    held.release();
    await run();
    const { rows } = await deps.warehouse.query(
      'select full_name from dwh.dim_customer where customer_id = $1',
      [insert.insertId],
    );
    expect(rows).toEqual([{ full_name: 'Пізній Клієнт' }]);
  });

  test('loses and duplicates nothing when 10,000 rows share one updated_at across page and commit boundaries', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    expect(deps.tuning).toMatchObject({ pageRows: 997, chunkRows: 101, commitEveryRows: 2_003 });
    const { orderId } = await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '1.00' }],
    });
    const stamp = '2026-01-01 12:00:00.123456';
    const values = Array.from(
      { length: 10_000 },
      (_, i) => `(${orderId}, ${shop.products[i % 2]!}, ${1 + (i % 5)}, '3.33', '${stamp}', '${stamp}')`,
    );
    await writer.exec(
      'orders',
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price, created_at, updated_at) VALUES ${values.join(',')}`,
    );
    // an incremental (keyset on updated_at, id) extract from a watermark just before those rows
    await deps.warehouse.query(
      `insert into etl.watermarks (source_table, cursor_updated_at, cursor_id) values ('orders.order_items', '2025-12-31 00:00:00+00', 0)
       on conflict (source_table) do update set cursor_updated_at = excluded.cursor_updated_at, cursor_id = 0`,
    );
    const summary = await run();
    const extract = summary.extracts.find((e) => e.table === 'orders.order_items')!;
    expect(extract.mode).toBe('incremental');
    expect(extract.rows).toBeGreaterThanOrEqual(10_000);

    const { rows } = await deps.warehouse.query(
      `select count(*)::int as n, count(distinct order_item_id)::int as d from dwh.fact_sales where order_id = $1`,
      [orderId],
    );
    expect(rows[0]).toEqual({ n: 10_001, d: 10_001 });
    const mirror = await deps.warehouse.query(
      `select count(*)::int as n from stg."orders__order_items" where updated_at = '2026-01-01 12:00:00.123456+00'`,
    );
    expect(mirror.rows[0].n).toBe(10_000);
  });

  test('marks a hard-deleted order line deleted and drops it from the totals', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const { orderId, itemIds } = await placeOrder(writer, {
      customerId: shop.customers[1]!,
      employeeId: shop.employees[1]!,
      lines: [
        { productId: shop.products[0]!, quantity: 1, unitPrice: '50.00' },
        { productId: shop.products[1]!, quantity: 2, unitPrice: '25.00' },
      ],
    });
    await run();
    expect(await factLines(deps, orderId)).toBe(2);
    await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [itemIds[1]]);
    const summary = await run();
    expect(summary.transform.targets.find((t) => t.target === 'dwh.fact_sales')!.deleted).toBe(1);
    const { rows } = await deps.warehouse.query(
      'select order_item_id::int as id, deleted_at is not null as deleted from dwh.fact_sales where order_id = $1 order by 1',
      [orderId],
    );
    expect(rows).toEqual([
      { id: itemIds[0], deleted: false },
      { id: itemIds[1], deleted: true },
    ]);
    // a rerun changes nothing
    const again = await run();
    expect(
      again.transform.targets.every(
        (t) => (t.merged === 0 && t.deleted === 0) || t.target.startsWith('stg.'),
      ),
    ).toBe(true);
  });

  test('finds hard deletes in key ranges far apart, and only those', async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const { orderId, itemIds } = await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '10.00' }],
    });
    // keys in three ranges of 100,000 besides the first one's
    const farKeys = [250_000, 250_001, 1_000_000, 7_654_321];
    for (const id of farKeys) {
      await insertLine(writer, id, orderId, shop.products[1]!);
    }
    await run();
    expect(await factLines(deps, orderId)).toBe(5);
    await writer.exec('orders', 'DELETE FROM order_items WHERE id IN (?, ?)', [250_001, 7_654_321]);
    const summary = await run();
    expect(summary.transform.targets.find((t) => t.target === 'stg.orders.order_items')!.deleted).toBe(2);
    const { rows } = await deps.warehouse.query(
      'select order_item_id::int as id from dwh.fact_sales where order_id = $1 and deleted_at is not null order by 1',
      [orderId],
    );
    expect(rows.map((r) => r.id)).toEqual([250_001, 7_654_321]);
    expect(await factLines(deps, orderId)).toBe(5);
    expect(itemIds).toHaveLength(1);
  });

  test("keeps the mirror's key ranges equal to its live keys, through deletes, returning keys, wrong totals and a lost trigger", async ({
    writer,
    deps,
    run,
    loadedShop: shop,
  }) => {
    const mirrorRanges = async () =>
      (
        await deps.warehouse.query(
          `select range::text, keys::text, key_sum::text from stg.mirror_key_ranges
           where mirror = 'orders__order_items' and keys <> 0 order by range`,
        )
      ).rows;
    const scannedRanges = async () =>
      (
        await deps.warehouse.query(
          `select (id / 100000)::text as range, count(*)::text as keys, sum(id)::text as key_sum
           from stg.orders__order_items where _deleted_at is null group by 1 order by 1`,
        )
      ).rows;
    const { orderId, itemIds } = await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [
        { productId: shop.products[0]!, quantity: 1, unitPrice: '3.00' },
        { productId: shop.products[1]!, quantity: 1, unitPrice: '4.00' },
      ],
    });
    await insertLine(writer, 3_300_001, orderId, shop.products[0]!);
    await run();
    expect(await mirrorRanges()).toEqual(await scannedRanges());

    // deleted, then back under the same key: marked, then live again
    await writer.exec('orders', 'DELETE FROM order_items WHERE id IN (?, ?)', [itemIds[0], 3_300_001]);
    await run();
    const afterDelete = await mirrorRanges();
    expect(afterDelete).toEqual(await scannedRanges());
    expect(afterDelete.some((r) => r.range === '33')).toBe(false);
    await insertLine(writer, 3_300_001, orderId, shop.products[0]!, 2);
    await run();
    expect(await mirrorRanges()).toEqual(await scannedRanges());

    // totals gone wrong behind the triggers' back (session_replication_role = replica) are counted
    // again where reconciliation looks, and deletes are still found
    await deps.warehouse.query(
      "update stg.mirror_key_ranges set keys = keys + 7 where mirror = 'orders__order_items' and range = 33",
    );
    await insertLine(writer, 3_300_002, orderId, shop.products[0]!);
    await run();
    await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [3_300_002]);
    const repaired = await run();
    expect(repaired.transform.targets.find((t) => t.target === 'stg.orders.order_items')!.deleted).toBe(1);
    expect(await mirrorRanges()).toEqual(await scannedRanges());

    // a mirror that lost its tracking (an older deployment, a restore) is counted anew, deletes still found
    await deps.warehouse.query('drop trigger track_key_ranges_update on stg.orders__order_items');
    await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [itemIds[1]]);
    const summary = await run();
    expect(summary.transform.targets.find((t) => t.target === 'stg.orders.order_items')!.deleted).toBe(1);
    expect(await mirrorRanges()).toEqual(await scannedRanges());
  });

  test('reads the same rows when the source server runs in another time zone', async ({
    scratch,
    writer,
    loadedShop: shop,
  }) => {
    const admin = createMysqlPool(loadConfig().ORDERS_DB_URL, { connectionLimit: 1 }).promise();
    // Without its own UTC session the extract would take NOW() five hours behind and miss new rows.
    await admin.query("SET GLOBAL time_zone = '-05:00'");
    try {
      const fresh = createPipelineDeps(scratch.config);
      try {
        const { orderId } = await placeOrder(writer, {
          customerId: shop.customers[0]!,
          employeeId: shop.employees[0]!,
          lines: [{ productId: shop.products[1]!, quantity: 4, unitPrice: '12.34' }],
        });
        await runPipeline(fresh, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
        const { rows } = await fresh.warehouse.query(
          `select net_amount, to_char(order_created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as order_created_at
           from dwh.fact_sales where order_id = $1`,
          [orderId],
        );
        const [source] = await writer.rows<{ created_at: string }>(
          'orders',
          'SELECT created_at FROM orders WHERE id = ?',
          [orderId],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].net_amount).toBe('49.36');
        expect(rows[0].order_created_at).toBe(source!.created_at);
      } finally {
        await fresh.close();
      }
    } finally {
      await admin.query("SET GLOBAL time_zone = '+00:00'");
      await admin.end();
    }
  });

  test('etl status shows how far each table is behind its source, not how old its newest row is', async ({
    writer,
    deps,
    run,
    loadedShop: _,
  }) => {
    await run();
    const caughtUp = await etlStatus(deps.warehouse, 5, (db) => deps.source(db));
    const orders = () => caughtUp.tables.find((t) => t.table === 'orders.orders')!;
    expect(orders()).toMatchObject({ lag_seconds: 0, last_extract: expect.any(String) });
    // a region nobody has written to for long is not behind either
    expect(caughtUp.tables.find((t) => t.table === 'orders.regions')).toMatchObject({ lag_seconds: 0 });

    const [first] = await writer.rows<{ id: number }>('orders', 'SELECT MIN(id) AS id FROM orders');
    const shift = (sql: string) => writer.exec('orders', sql, [first!.id]);
    await shift('UPDATE orders SET updated_at = NOW(6) + INTERVAL 90 SECOND WHERE id = ?');
    try {
      const behind = await etlStatus(deps.warehouse, 5, (db) => deps.source(db));
      expect(behind.tables.find((t) => t.table === 'orders.orders')!.lag_seconds).toBeGreaterThanOrEqual(90);
    } finally {
      await shift('UPDATE orders SET updated_at = updated_at - INTERVAL 90 SECOND WHERE id = ?');
    }
    // without the sources it cannot say
    expect((await etlStatus(deps.warehouse, 5)).tables[0]!.lag_seconds).toBeNull();
  });
});
