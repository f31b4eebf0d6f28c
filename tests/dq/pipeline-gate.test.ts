import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { DqGateError } from '../../dq/index.ts';
import type { PipelineDeps } from '../../pipeline/index.ts';
import { getRun } from '../../warehouse/index.ts';
import { breakNextLoadOf } from '../support/broken-load.ts';
import { etlTest } from '../support/fixtures.ts';
import { scratchEnv } from '../support/scratch.ts';
import { placeOrder, type SourceWriter } from '../support/source-writer.ts';
import { shopWithOrders } from './dq-test-kit.ts';

const ERROR_RULE = 'fact_sales__net_amount_is_gross_minus_discount';
const WARN_RULE = 'fact_sales__net_amount_is_not_negative';

interface GateShop {
  shop: Awaited<ReturnType<typeof shopWithOrders>>;
  /** A line last changed two hours ago: past the lookback, so later runs leave its fact row alone. */
  settledItem: number;
}

const test = etlTest.extend<{ gate: GateShop }>({
  gate: [
    async ({ writer }, use) => {
      const shop = await shopWithOrders(writer);
      const twoHoursAgo = { created_at: '2025-03-01 10:00:00', updated_at: await hoursAgo(writer, 2) };
      const orderId = await writer.insert('orders', 'orders', {
        customer_id: shop.shop.customers[0],
        employee_id: shop.shop.employees[0],
        subtotal_amount: '40.00',
        total_amount: '40.00',
        ...twoHoursAgo,
      });
      const settledItem = await writer.insert('orders', 'order_items', {
        order_id: orderId,
        product_id: shop.shop.products[1],
        quantity: 4,
        unit_price: '10.00',
        ...twoHoursAgo,
      });
      await use({ shop, settledItem });
    },
    { scope: 'file' },
  ],
});

const resultsOf = async (deps: PipelineDeps, etlRunId: number) =>
  (
    await deps.warehouse.query(
      'select rule_name, status, sample_rows from dq.results where etl_run_id = $1 order by result_id',
      [etlRunId],
    )
  ).rows;

describe('the DQ gate in the pipeline', () => {
  test('checks every declared rule after a load and stores the results with the run id', async ({
    gate: _,
    deps,
    run,
  }) => {
    const summary = await run();
    const results = await resultsOf(deps, summary.runId);
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
  });

  test('stops a run on a failing error rule, after storing its failing rows, and records the run failed naming the rule', async ({
    gate: { settledItem },
    writer,
    deps,
    run,
  }) => {
    // the next run rewrites this line and writes it broken; the gate after an incremental run checks
    // the rows the run wrote (tests/dq/run-scope.test.ts: rows broken behind its back are not)
    const broken = settledItem;
    const undo = await breakNextLoadOf(deps.warehouse, writer, broken);
    const failure = await run().catch((error: unknown) => error);
    await undo();
    expect(failure).toBeInstanceOf(DqGateError);
    expect((failure as DqGateError).retryable).toBe(false);
    // its day changed in the source a moment ago: reconciliation leaves it for the next run
    expect((failure as DqGateError).ruleNames).toEqual([ERROR_RULE]);

    const { rows } = await deps.warehouse.query(
      "select max(run_id)::int as id from etl.runs where trigger = 'test'",
    );
    const failedRun = await getRun(deps.warehouse, rows[0].id);
    expect(failedRun).toMatchObject({ status: 'failed' });
    expect(failedRun!.error).toContain(`${ERROR_RULE} failed: 1 of 1 rows where not`);
    const stored = (await resultsOf(deps, rows[0].id)).find((r) => r.rule_name === ERROR_RULE);
    expect(stored.status).toBe('fail');
    expect(stored.sample_rows.map((r: { order_item_id: number }) => r.order_item_id)).toEqual([broken]);
  });

  test('records a failing warn rule and lets the run succeed', async ({
    gate: { shop },
    writer,
    deps,
    run,
  }) => {
    // a discount larger than the line: net below zero is suspicious, not wrong
    const { itemIds } = await placeOrder(writer, {
      customerId: shop.shop.customers[0]!,
      employeeId: shop.shop.employees[0]!,
      lines: [{ productId: shop.shop.products[1]!, quantity: 1, unitPrice: '10.00', discount: '15.00' }],
    });
    const summary = await run();
    expect((await getRun(deps.warehouse, summary.runId))!.status).toBe('succeeded');
    const warned = (await resultsOf(deps, summary.runId)).find((r) => r.rule_name === WARN_RULE);
    expect(warned.status).toBe('warn');
    expect(warned.sample_rows).toEqual([
      expect.objectContaining({ order_item_id: itemIds[0], net_amount: -5 }),
    ]);
  });

  test('techmarket dq report writes an HTML page with the failing rows, and --json for scripts', async ({
    gate: _,
    scratch,
  }) => {
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/techmarket.js'), ...args], {
        env: scratchEnv(scratch),
        cwd: REPO_ROOT,
      });
    const file = join(tmpdir(), `dq-report-${scratch.suffix}.html`);
    const { stdout } = await cli(['dq', 'report', '--html', file]);
    expect(stdout).toMatch(/warn +error|warn +warn/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain(WARN_RULE);
    expect(html).toContain('Failing rows (1 shown)');
    const json = JSON.parse((await cli(['dq', 'report', '--json'])).stdout);
    expect(json.results.find((r: { ruleName: string }) => r.ruleName === WARN_RULE).status).toBe('warn');
    const bad = await cli(['dq', 'report', '--run', 'x']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--run') });
  });
});

async function hoursAgo(writer: SourceWriter, hours: number): Promise<string> {
  const [row] = await writer.rows<{ at: string }>(
    'orders',
    'SELECT DATE_FORMAT(UTC_TIMESTAMP(6) - INTERVAL ? HOUR, "%Y-%m-%d %H:%i:%s.%f") AS at',
    [hours],
  );
  return row!.at;
}
