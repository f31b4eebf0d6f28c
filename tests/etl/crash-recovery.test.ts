import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createPipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { seedBigOrder, waitForOrderItemsCopy } from '../support/big-order.ts';
import { createScratch, type Scratch, scratchEnv } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
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
    await seedBigOrder(writer, LINES);
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
      const killedDuringCopy = await waitForOrderItemsCopy(
        (sql, values) => deps.warehouse.query(sql, values),
        dwhName,
      );
      if (killedDuringCopy) child.kill('SIGKILL');
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
