import pg from 'pg';
import { describe, expect } from 'vitest';
import { etlTest } from '../support/fixtures.ts';
import { placeOrder, seedSmallShop } from '../support/source-writer.ts';

/**
 * Autovacuum holds a SHARE UPDATE EXCLUSIVE lock on a table for as long as it works on it, and a
 * session that asks for a conflicting lock waits until PostgreSQL cancels the vacuum (deadlock_timeout)
 * — a second lost per run, and on a big table a vacuum that never gets to finish. The big tables are
 * the ones autovacuum spends long on; here a session holds that lock on them across a whole run, and
 * the warehouse's sessions give up on any lock after a few seconds instead of waiting forever.
 */
const BIG_TABLES = [
  'stg.orders__orders',
  'stg.orders__order_items',
  'stg.payments__payments',
  'dwh.fact_sales',
];

/**
 * `lockTimeout` comes before the writer and the run in `shop`'s pattern, so the database setting is in
 * place before the pipeline opens its first session; `shop` ends with one run of the seeded shop.
 */
const test = etlTest.extend<{ lockTimeout: undefined; shop: Awaited<ReturnType<typeof seedSmallShop>> }>({
  lockTimeout: [
    async ({ scratch }, use) => {
      const admin = new pg.Client({ connectionString: scratch.config.DWH_URL });
      await admin.connect();
      await admin.query(
        `alter database ${new URL(scratch.config.DWH_URL).pathname.slice(1)} set lock_timeout = '3s'`,
      );
      await admin.end();
      await use(undefined);
    },
    { scope: 'file' },
  ],
  shop: [
    async ({ lockTimeout: _, writer, run }, use) => {
      const shop = await seedSmallShop(writer);
      await placeOrder(writer, {
        customerId: shop.customers[0]!,
        employeeId: shop.employees[0]!,
        lines: [{ productId: shop.products[0]!, quantity: 2, unitPrice: '10.00' }],
        paidWith: 'card',
      });
      await run();
      await use(shop);
    },
    { scope: 'file' },
  ],
});

describe('staging mirror indexes', () => {
  test('an incremental run takes no lock that an autovacuum of the mirrors or the fact holds', async ({
    shop,
    scratch,
    writer,
    deps,
    run,
  }) => {
    await writer.exec('orders', 'UPDATE customers SET city = ? WHERE id = ?', ['Одеса', shop.customers[0]]);
    const vacuum = new pg.Client({ connectionString: scratch.config.DWH_URL });
    await vacuum.connect();
    try {
      await vacuum.query('begin');
      await vacuum.query(`lock table ${BIG_TABLES.join(', ')} in share update exclusive mode`);
      const result = await run();
      expect(result.transform.targets.find((t) => t.target === 'dwh.dim_customer')?.inserted).toBe(1);
    } finally {
      await vacuum.query('rollback');
      await vacuum.end();
    }
    const { rows } = await deps.warehouse.query(
      'select city from dwh.dim_customer where customer_id = $1 and is_current',
      [shop.customers[0]],
    );
    expect(rows).toEqual([{ city: 'Одеса' }]);
  });

  test('follows the configuration: builds the indexes it names and drops the ones it no longer names', async ({
    shop: _,
    deps,
    run,
  }) => {
    // as a deployment from before the configuration dropped the customer index would have it
    await deps.warehouse.query(
      'create index "orders__orders__customer_id" on stg.orders__orders (customer_id)',
    );
    await deps.warehouse.query('drop index stg."orders__orders__created_at"');
    await deps.warehouse.query('create index operator_own_index on stg.orders__orders (status)');
    await run();
    const { rows } = await deps.warehouse.query(
      "select indexname from pg_indexes where schemaname = 'stg' and tablename = 'orders__orders' order by 1",
    );
    expect(rows.map((r) => r.indexname)).toEqual([
      'operator_own_index',
      'orders__orders__created_at',
      'orders__orders__run',
      'orders__orders_pkey',
    ]);
  });
});
