import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineDeps, estimateWindowRows, type PipelineDeps } from '../../pipeline/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { dayAfter, writeDailyOrders } from '../workflows/support/daily-orders.ts';

const FIRST_DAY = '2026-09-01';
const DAYS = 10;
const ORDERS_PER_DAY = 30;
/** Rows the window holds in the tables the daily orders fill: an order, 2 lines and a payment each. */
const WINDOW_ROWS = DAYS * ORDERS_PER_DAY * 4;

describe('estimateWindowRows, what a backfill sizes its parts by', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    await writeDailyOrders(writer, { firstDay: FIRST_DAY, days: DAYS, ordersPerDay: ORDERS_PER_DAY });
    deps = createPipelineDeps(scratch.config);
  });
  afterAll(async () => {
    await deps?.close();
    await writer?.close();
    await scratch?.drop();
  });

  it('estimates the rows of a window within a factor of two of what it holds', async () => {
    const estimate = await estimateWindowRows(
      deps,
      TEST_TABLES,
      `${FIRST_DAY} 00:00:00.000000`,
      `${dayAfter(FIRST_DAY, DAYS - 1)} 23:59:59.999999`,
    );
    // The shop the orders refer to (customers, products, …) is written on the day the test runs.
    expect(estimate).toBeGreaterThanOrEqual(WINDOW_ROWS / 2);
    expect(estimate).toBeLessThanOrEqual(WINDOW_ROWS * 2);
  });

  it('estimates next to nothing for a window without rows', async () => {
    const estimate = await estimateWindowRows(
      deps,
      TEST_TABLES,
      '2001-01-01 00:00:00',
      '2001-01-31 23:59:59.999999',
    );
    // The optimizer says at most one row per table for an empty range.
    expect(estimate).toBeLessThanOrEqual(TEST_TABLES.length);
  });
});
