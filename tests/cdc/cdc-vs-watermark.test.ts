import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, simulateDays } from '../../demo/index.ts';
import { runCdcConsumer, switchTable } from '../../pipeline/cdc/index.ts';
import {
  createPipelineDeps,
  type PipelineDeps,
  qualifiedName,
  runPipeline,
  selectSourceTables,
} from '../../pipeline/index.ts';
import { readWatermark } from '../../warehouse/index.ts';
import { ensureParts } from '../infra/ensure-parts.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { waitUntil } from '../support/wait-until.ts';
import {
  factDailyTotals,
  mirrorCounts,
  sourceDailyTotals,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';
import { dropCdcLeftovers } from './cdc-support.ts';

const CDC_TABLES = selectSourceTables(
  ['orders.customers', 'orders.orders', 'orders.order_items', 'catalog.products', 'payments.payments'],
  TEST_TABLES,
);

/** The current version of every dimension row, by natural key: what both paths must agree on. */
const CURRENT_DIMENSIONS = {
  dim_customer:
    'select customer_id, email, full_name, phone, city, region_id, manager_id from dwh.dim_customer where is_current and customer_key <> 0 order by 1',
  dim_product:
    'select product_id, sku, product_name, category_id, list_price, is_active from dwh.dim_product where is_current and product_key <> 0 order by 1',
};

describe('a warehouse built through CDC equals one built through watermarks', () => {
  let sources: Scratch;
  let viaCdc: Scratch;
  let writer: SourceWriter;
  let watermark: PipelineDeps;
  let cdc: PipelineDeps;
  const stop = new AbortController();
  let consumer: Promise<void> | undefined;

  /** The CDC warehouse has applied every source change: each CDC table's watermark reached its newest row. */
  async function cdcCaughtUp() {
    await waitUntil(
      'the CDC warehouse to catch up',
      async () => {
        const present = await cdc.warehouse.query(
          "select to_regclass('stg.orders__regions') is not null as yes",
        );
        if (!present.rows[0].yes) return false; // no batch applied yet
        for (const c of await mirrorCounts(writer, cdc.warehouse)) {
          if (CDC_TABLES.some((t) => `${t.database}.${t.table}` === c.table) && c.mirror !== c.source)
            return false;
        }
        for (const table of CDC_TABLES) {
          const [row] = await writer.rows<{ newest: string | null }>(
            table.database as never,
            `SELECT DATE_FORMAT(MAX(updated_at), '%Y-%m-%d %H:%i:%s.%f') AS newest FROM \`${table.table}\``,
          );
          const applied = await readWatermark(cdc.warehouse, qualifiedName(table));
          if (row?.newest && (!applied || applied.updatedAt < row.newest)) return false;
        }
        return true;
      },
      300,
    );
  }

  async function expectSameWarehouses() {
    const source = await sourceDailyTotals(writer);
    expect(await factDailyTotals(watermark.warehouse)).toEqual(source);
    expect(await factDailyTotals(cdc.warehouse)).toEqual(source);
    for (const [name, sql] of Object.entries(CURRENT_DIMENSIONS)) {
      const a = await watermark.warehouse.query(sql);
      const b = await cdc.warehouse.query(sql);
      expect(b.rows, name).toEqual(a.rows);
    }
  }

  beforeAll(async () => {
    await ensureParts('postgres', 'mariadb', 'kafka', 'kafka-connect');
    sources = await createScratch();
    viaCdc = await createScratch({ sourcesOf: sources });
    writer = new SourceWriter(sources.config);
    watermark = createPipelineDeps(sources.config);
    cdc = createPipelineDeps(viaCdc.config);
    await seedDemoData(sources.config, {
      scale: 0.01,
      seed: 'cdc-vs',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
  });

  afterAll(async () => {
    stop.abort();
    await consumer?.catch(() => {});
    await dropCdcLeftovers(viaCdc.config, CDC_TABLES).catch(() => {});
    await cdc?.close();
    await watermark?.close();
    await writer?.close();
    await viaCdc?.drop();
    await sources?.drop();
  });

  it('after the seed: the CDC tables snapshot by their new connectors', async () => {
    for (const table of CDC_TABLES) {
      const outcome = await switchTable(cdc, table, 'cdc');
      expect(outcome.position).toMatchObject({ snapshot: 'initial' });
    }
    // The snapshot is a backlog: each fetch of a topic a micro-batch (--max-batch 1), held while any
    // message waits, in loads of at most 1,500 events, a full one committing while the next fills.
    // (The consumer-fault suite stops at a held load; here the two warehouses must agree after it.)
    const loads: { batches: number; events: number }[] = [];
    consumer = runCdcConsumer(cdc, stop.signal, {
      tables: TEST_TABLES,
      maxBatchMs: 200,
      pollMs: 300,
      maxBatchMessages: 1,
      holdWhileBacklog: 1,
      maxLoadEvents: 1_500,
      onBatch: ({ batches, events }) => loads.push({ batches, events }),
    });
    consumer.catch(() => {});
    await cdcCaughtUp();
    // ~5,900 snapshot events, order_items alone 3,522 of them: more than one load whatever the order.
    expect(loads.length, JSON.stringify(loads)).toBeGreaterThanOrEqual(2);
    // The small tables stay on watermarks in both warehouses. (Run once CDC has caught up: the run's
    // quality gate compares the facts with the sources.)
    await runPipeline(cdc, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await runPipeline(watermark, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await expectSameWarehouses();
  });

  it('after the same simulated days: equal, except for the extra SCD2 versions CDC sees', async () => {
    await simulateDays(sources.config, { days: 2, seed: 'cdc-vs', quiet: true });
    await runPipeline(watermark, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await cdcCaughtUp();
    await runPipeline(cdc, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    await expectSameWarehouses();
    const versions = async (deps: PipelineDeps) =>
      Number((await deps.warehouse.query('select count(*)::int as n from dwh.dim_customer')).rows[0].n);
    expect(await versions(cdc)).toBeGreaterThanOrEqual(await versions(watermark));
  });
});
