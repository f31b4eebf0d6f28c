import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from '../../core/metrics.ts';
import { runCdcConsumer, switchTable } from '../../pipeline/cdc/index.ts';
import {
  createPipelineDeps,
  etlStatus,
  type PipelineDeps,
  runPipeline,
  selectSourceTables,
} from '../../pipeline/index.ts';
import { ensureParts } from '../infra/ensure-parts.ts';
import { panelsWithoutData } from '../support/dashboard-panels.ts';
import { type PrivatePrometheus, startPrivatePrometheus } from '../support/private-prometheus.ts';
import { rollupDifferences } from '../support/rollup-checks.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import { waitUntil } from '../support/wait-until.ts';
import {
  factDailyTotals,
  mirrorCounts,
  sourceDailyTotals,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';
import { dropCdcLeftovers } from './cdc-support.ts';

const CDC_TABLES = selectSourceTables(
  ['orders.customers', 'orders.orders', 'orders.order_items', 'catalog.products'],
  TEST_TABLES,
);

describe('the CDC path against MariaDB, Debezium, Kafka and the warehouse', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  let shop: Awaited<ReturnType<typeof seedSmallShop>>;
  let consumer: { stop(): Promise<void> } | undefined;
  // The consumer's /metrics as `techmarket cdc start` serves them, scraped as the platform scrapes 7101.
  let exporter: MetricsServer;
  let prometheus: PrivatePrometheus;

  /** Runs the consumer in this process until stopped. */
  function startConsumer() {
    const abort = new AbortController();
    const consumerDeps = createPipelineDeps(scratch.config);
    const done = runCdcConsumer(consumerDeps, abort.signal, {
      tables: TEST_TABLES,
      maxBatchMs: 100,
      pollMs: 300,
    });
    done.catch(() => {});
    return {
      async stop() {
        abort.abort();
        await done;
        await consumerDeps.close();
      },
    };
  }

  /** Waits until the warehouse holds the source's current state: every mirror count equal. */
  async function caughtUp(what: string, extra: () => Promise<boolean> = async () => true) {
    await waitUntil(what, async () => {
      const counts = await mirrorCounts(writer, deps.warehouse);
      return counts.every((c) => c.mirror === c.source) && (await extra());
    });
  }

  async function expectEqualToSources() {
    for (const c of await mirrorCounts(writer, deps.warehouse)) expect(c.mirror, c.table).toBe(c.source);
    expect(await factDailyTotals(deps.warehouse)).toEqual(await sourceDailyTotals(writer));
    const [items] = await writer.rows<{ n: number }>('orders', 'SELECT COUNT(*) AS n FROM order_items');
    const { rows } = await deps.warehouse.query(
      'select count(*) filter (where deleted_at is null)::int as live from dwh.fact_sales',
    );
    expect(rows[0].live).toBe(Number(items!.n));
    // Each micro-batch adds its change to the daily rollups: they still add up to the whole fact.
    for (const d of await rollupDifferences(deps.warehouse)) {
      expect({ table: d.table, missingOrWrong: d.missingOrWrong, extra: d.extra, rows: d.rows }).toEqual({
        table: d.table,
        missingOrWrong: [],
        extra: [],
        rows: d.fullRows,
      });
    }
  }

  const mirrorCity = async (id: number) =>
    (await deps.warehouse.query('select city from stg.orders__customers where id = $1', [id])).rows[0]?.city;

  beforeAll(async () => {
    await ensureParts('postgres', 'mariadb', 'kafka', 'kafka-connect');
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    deps = createPipelineDeps(scratch.config);
    shop = await seedSmallShop(writer);
    for (let i = 0; i < 3; i++) {
      await placeOrder(writer, {
        customerId: shop.customers[i % 2]!,
        employeeId: shop.employees[i % 2]!,
        lines: [
          { productId: shop.products[0]!, quantity: 1, unitPrice: '19999.99' },
          { productId: shop.products[1]!, quantity: 2, unitPrice: '299.50', discount: '10.00' },
        ],
        paidWith: 'card',
      });
    }
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    exporter = await startMetricsServer(0);
    prometheus = await startPrivatePrometheus([
      { job: 'cdc-consumer', address: `127.0.0.1:${exporter.port}`, labels: { service: 'cdc-consumer' } },
    ]);
    // Scraped before the consumer starts: the stream's batches show as increases, not as a baseline.
    await prometheus.waitForSeries('techmarket_cdc_batches_total', 30);
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => {});
    await prometheus?.close();
    await exporter?.close();
    await dropCdcLeftovers(scratch.config, CDC_TABLES).catch(() => {});
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('switches tables watermark → cdc at a recorded position, kept in the warehouse', async () => {
    for (const table of CDC_TABLES) {
      const outcome = await switchTable(deps, table, 'cdc');
      expect(outcome.changed).toBe(true);
      expect(outcome.position).toMatchObject({ snapshot: 'no_data' });
      expect(typeof outcome.position.gtid).toBe('string');
    }
    const { rows } = await deps.warehouse.query(
      "select source_table from etl.table_modes where mode = 'cdc' order by 1",
    );
    expect(rows.map((r) => r.source_table)).toEqual([
      'catalog.products',
      'orders.customers',
      'orders.order_items',
      'orders.orders',
    ]);
    // A watermark run leaves the CDC tables to the consumer.
    const run = await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    expect(run.extracts.map((e) => e.table)).not.toContain('orders.orders');
    consumer = startConsumer();
  });

  it('inserts, updates and hard deletes reach the dimensions and fact_sales; every version is kept', async () => {
    const customer = shop.customers[0]!;
    const cities = ['Odesa', 'Dnipro', 'Kharkiv'];
    const stamps: string[] = [];
    for (const [i, city] of cities.entries()) {
      // Distinct, known commit times: each version is valid from its own source change.
      const at = `2030-01-0${i + 1} 10:00:00.12345${i}`;
      await writer.exec('orders', 'UPDATE customers SET city = ?, updated_at = ? WHERE id = ?', [
        city,
        at,
        customer,
      ]);
      stamps.push(at);
    }
    await writer.exec('catalog', "UPDATE products SET price = '20999.99' WHERE id = ?", [shop.products[0]]);
    const order = await placeOrder(writer, {
      customerId: customer,
      employeeId: shop.employees[0]!,
      lines: [
        { productId: shop.products[0]!, quantity: 3, unitPrice: '20999.99' },
        { productId: shop.products[1]!, quantity: 1, unitPrice: '299.50' },
      ],
    });
    await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [order.itemIds[1]]);
    const price = async () =>
      (
        await deps.warehouse.query('select price from stg.catalog__products where id = $1', [
          shop.products[0],
        ])
      ).rows[0]?.price;
    await caughtUp(
      'the changes to arrive',
      async () => (await mirrorCity(customer)) === 'Kharkiv' && (await price()) === '20999.99',
    );
    await waitUntil('the new order line in fact_sales', async () => {
      const { rows } = await deps.warehouse.query(
        'select count(*)::int as n from dwh.fact_sales where order_id = $1',
        [order.orderId],
      );
      return rows[0].n === 2;
    });

    const versions = await deps.warehouse.query(
      `select city, to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as valid_from, is_current
       from dwh.dim_customer where customer_id = $1 and version > 1 order by version`,
      [customer],
    );
    expect(versions.rows).toEqual(
      cities.map((city, i) => ({ city, valid_from: stamps[i], is_current: i === cities.length - 1 })),
    );
    const lines = await deps.warehouse.query(
      `select f.order_item_id, f.unit_price, f.deleted_at is not null as deleted, p.list_price
       from dwh.fact_sales f join dwh.dim_product p using (product_key) where f.order_id = $1 order by 1`,
      [order.orderId],
    );
    expect(lines.rows).toEqual([
      {
        order_item_id: String(order.itemIds[0]),
        unit_price: '20999.99',
        deleted: false,
        list_price: '20999.99',
      },
      { order_item_id: String(order.itemIds[1]), unit_price: '299.50', deleted: true, list_price: '299.50' },
    ]);
    await expectEqualToSources();

    const status = await etlStatus(deps.warehouse);
    const customers = status.tables.find((t) => t.table === 'orders.customers')!;
    expect(customers.path).toBe('cdc');
    expect(customers.cdc_lag_ms).not.toBeNull();
  });

  it('a table switched cdc → watermark → cdc during a stream of changes ends equal to the sources', async () => {
    const stream = (async () => {
      for (let i = 0; i < 40; i++) {
        const o = await placeOrder(writer, {
          customerId: shop.customers[i % 2]!,
          employeeId: shop.employees[i % 2]!,
          lines: [{ productId: shop.products[i % 2]!, quantity: 1 + (i % 3), unitPrice: '100.00' }],
          paidWith: 'card',
        });
        if (i % 5 === 0) await writer.exec('orders', 'DELETE FROM order_items WHERE id = ?', [o.itemIds[0]]);
        await writer.exec('orders', 'UPDATE customers SET phone = ? WHERE id = ?', [
          `+380${i}`,
          shop.customers[i % 2],
        ]);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const items = CDC_TABLES.find((t) => t.table === 'order_items')!;
    const orders = CDC_TABLES.find((t) => t.table === 'orders')!;
    await new Promise((r) => setTimeout(r, 500));
    await switchTable(deps, items, 'watermark');
    await switchTable(deps, orders, 'watermark');
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await switchTable(deps, items, 'cdc');
    await switchTable(deps, orders, 'cdc');
    await stream;
    await switchTable(deps, items, 'watermark');
    await switchTable(deps, orders, 'watermark');
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await caughtUp('the stream to be applied');
    await expectEqualToSources();
    const { rows } = await deps.warehouse.query(
      "select source_table, position from etl.table_modes where source_table = 'orders.order_items'",
    );
    expect(rows[0].position).toHaveProperty('binlog');
  });

  it('the CDC dashboard shows the stream: every panel returns data (issue 17)', async () => {
    expect(await panelsWithoutData(prometheus, ['techmarket-cdc'])).toEqual([]);
  });
});
