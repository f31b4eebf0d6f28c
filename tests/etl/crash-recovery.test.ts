import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createPipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { createScratch, type Scratch, scratchEnv } from '../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import {
  factDailyTotals,
  mirrorCounts,
  sourceDailyTotals,
  starSchemaDigest,
  TEST_TABLES,
} from '../support/warehouse-checks.ts';

const LINES = 200_000;

describe('a run killed during COPY', () => {
  let scratch: Scratch;
  let clean: Scratch;
  let writer: SourceWriter;

  beforeAll(async () => {
    scratch = await createScratch();
    clean = await createScratch({ sourcesOf: scratch });
    writer = new SourceWriter(scratch.config);
    const shop = await seedSmallShop(writer);
    const { orderId } = await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '1.00' }],
      paidWith: 'card',
    });
    // double the lines until there are enough to keep COPY busy for a while
    let count = 1;
    while (count < LINES) {
      await writer.exec(
        'orders',
        `INSERT INTO order_items (order_id, product_id, quantity, unit_price, discount_amount)
         SELECT order_id, product_id, quantity + 1, unit_price, discount_amount FROM order_items WHERE order_id = ? LIMIT ?`,
        [orderId, LINES - count],
      );
      count = Number(
        (await writer.rows<{ n: number }>('orders', 'SELECT COUNT(*) AS n FROM order_items'))[0]!.n,
      );
    }
    await new Promise((r) => setTimeout(r, 1100)); // past the CLI's one-second safety lag
  });
  afterAll(async () => {
    await writer.close();
    await clean.drop();
    await scratch.drop();
  });

  it('leaves nothing half-done, and the next run gives the same warehouse as an uninterrupted one', async () => {
    const deps = createPipelineDeps(scratch.config);
    try {
      const child = spawn(
        process.execPath,
        [`${REPO_ROOT}/bin/techmarket.js`, 'etl', 'run', '--local', '--json'],
        {
          env: scratchEnv(scratch),
          stdio: 'ignore',
        },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const dwhName = new URL(scratch.config.DWH_URL).pathname.slice(1);
      let killedDuringCopy = false;
      for (let i = 0; i < 2_000 && child.exitCode === null; i++) {
        const { rows } = await deps.warehouse.query(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'copy stg.%order_items%'`,
          [dwhName],
        );
        if (rows[0].n > 0) {
          child.kill('SIGKILL');
          killedDuringCopy = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await exited;
      expect(killedDuringCopy).toBe(true);

      // nothing reached the star schema and no watermark moved
      const { rows: facts } = await deps.warehouse.query('select count(*)::int as n from dwh.fact_sales');
      expect(facts[0].n).toBe(0);
      const { rows: marks } = await deps.warehouse.query('select count(*)::int as n from etl.watermarks');
      expect(marks[0].n).toBe(0);

      const rerun = await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
      expect(rerun.extracts.find((e) => e.table === 'orders.order_items')!.rows).toBe(LINES);
      const { rows: runs } = await deps.warehouse.query('select status, error from etl.runs order by run_id');
      expect(runs[0].status).toBe('failed');
      expect(runs[0].error).toMatch(/abandoned/);
      const { rows: leftovers } = await deps.warehouse.query(
        "select count(*)::int as n from pg_tables where schemaname = 'stg' and tablename ~ '__r[0-9]+$'",
      );
      expect(leftovers[0].n).toBe(0);

      const cleanDeps = createPipelineDeps(clean.config);
      try {
        await runPipeline(cleanDeps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
        expect(await starSchemaDigest(deps.warehouse)).toEqual(await starSchemaDigest(cleanDeps.warehouse));
      } finally {
        await cleanDeps.close();
      }
      for (const c of await mirrorCounts(writer, deps.warehouse)) expect(c.mirror, c.table).toBe(c.source);
      expect(await factDailyTotals(deps.warehouse)).toEqual(await sourceDailyTotals(writer));
    } finally {
      await deps.close();
    }
  });
});
