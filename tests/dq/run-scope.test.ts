import { describe, expect } from 'vitest';
import {
  DqGateError,
  type DqResult,
  type DqScope,
  runQualityChecks,
  runQualityGate,
} from '../../dq/index.ts';
import { etlTest } from '../support/fixtures.ts';
import { placeOrder } from '../support/source-writer.ts';
import { inlineRules, shiftSourceDiscount, shopWithOrders } from './dq-test-kit.ts';

const RULES = inlineRules(`
target: dwh.fact_sales
rules:
  - name: net_is_gross_minus_discount
    type: expression_is_true
    expression: net_amount = gross_amount - discount_amount
  - name: net_per_day
    type: sum_reconciliation
    settle_seconds: 0
    source:
      database: orders
      from: order_items i join orders o on o.id = i.order_id
      timestamp: o.created_at
      watermarks:
        orders.orders: o.updated_at
        orders.order_items: i.updated_at
      measure: i.quantity * i.unit_price - i.discount_amount
    warehouse:
      where: deleted_at is null
      date_key: order_date_key
      measure: net_amount
  - name: lines_below_100_uah
    type: custom_sql
    scope_column: etl_run_id
    sql: select order_item_id, etl_run_id from dwh.fact_sales where unit_price < 100
`);

/** The first load's orders: 2025-01-10 and 2025-01-11 in Kyiv (22:30 UTC is 00:30 the next day). */
const FIRST_LOAD_CREATED_AT = ['2025-01-10 22:30:00', '2025-01-10 21:30:00'];
/** The incremental run's one order: 2025-03-05 in Kyiv. */
const INCREMENTAL_CREATED_AT = '2025-03-05 10:00:00';

/**
 * Two runs: a first load of FIRST_LOAD_CREATED_AT's orders, then an incremental run of one more order;
 * `check` and `shiftNet` work on the warehouse against that second run.
 */
interface RunScope {
  firstItems: number[];
  runItems: number[];
  runId: number;
  check: (scope: DqScope) => Promise<Map<string, DqResult>>;
  shiftNet: (itemId: number, by: string) => Promise<unknown>;
}

const test = etlTest.extend<{ loaded: RunScope }>({
  loaded: [
    async ({ writer, deps, run }, use) => {
      const first = await shopWithOrders(writer, (i) => FIRST_LOAD_CREATED_AT[i % 2]);
      const firstItems = first.itemIds;
      await run();
      const runItems = (
        await placeOrder(writer, {
          customerId: first.shop.customers[0]!,
          employeeId: first.shop.employees[0]!,
          createdAt: INCREMENTAL_CREATED_AT,
          lines: [
            { productId: first.shop.products[0]!, quantity: 3, unitPrice: '19999.99', discount: '50.00' },
          ],
          paidWith: 'card',
        })
      ).itemIds;
      const second = await run();
      expect(second.transform.incremental).toBe(true);
      const runId = second.runId;
      const check = async (scope: DqScope): Promise<Map<string, DqResult>> => {
        const summary = await runQualityChecks(deps, RULES, { etlRunId: runId, scope });
        return new Map(summary.results.map((r) => [r.ruleName, r]));
      };
      const shiftNet = (itemId: number, by: string) =>
        deps.warehouse.query(
          'update dwh.fact_sales set net_amount = net_amount + $2 where order_item_id = $1',
          [itemId, by],
        );
      await use({ firstItems, runItems, runId, check, shiftNet });
    },
    { scope: 'file' },
  ],
});

describe('the gate in run scope checks only what the run changed', () => {
  test('counts only the rows the run wrote, and compares only the days it touched', async ({
    loaded: { check },
  }) => {
    const scoped = await check('run');
    expect(scoped.get('net_is_gross_minus_discount')).toMatchObject({ status: 'pass', totalCount: 1 });
    expect(scoped.get('net_per_day')).toMatchObject({ status: 'pass', totalCount: 1 });
    expect(scoped.get('net_per_day')!.details).toMatchObject({ scope: 'run', days_touched_by_run: 1 });
    const all = await check('all');
    expect(all.get('net_is_gross_minus_discount')).toMatchObject({ status: 'pass', totalCount: 9 });
    expect(all.get('net_per_day')).toMatchObject({ status: 'pass', totalCount: 3 });
  });

  test('ignores a broken row the run did not write, and catches one it wrote', async ({
    loaded: { firstItems, runItems, runId, check, shiftNet },
    deps,
  }) => {
    await shiftNet(firstItems[0]!, '0.01');
    try {
      const scoped = await check('run');
      expect(scoped.get('net_is_gross_minus_discount')).toMatchObject({ status: 'pass', failingCount: 0 });
      expect((await check('all')).get('net_is_gross_minus_discount')).toMatchObject({
        status: 'fail',
        failingCount: 1,
      });
      // the gate itself, with a rule from the repository's files
      const rules = ['fact_sales__net_amount_is_gross_minus_discount'];
      await expect(runQualityGate(deps, runId, { rules, scope: 'run' })).resolves.toMatchObject({
        blockingRules: [],
      });
      await expect(runQualityGate(deps, runId, { rules })).rejects.toBeInstanceOf(DqGateError);

      await shiftNet(runItems[0]!, '0.01');
      const caught = (await check('run')).get('net_is_gross_minus_discount')!;
      expect(caught).toMatchObject({ status: 'fail', failingCount: 1, totalCount: 1 });
      expect(caught.sampleRows).toEqual([expect.objectContaining({ order_item_id: runItems[0] })]);
      await expect(runQualityGate(deps, runId, { rules, scope: 'run' })).rejects.toBeInstanceOf(DqGateError);
    } finally {
      await shiftNet(firstItems[0]!, '-0.01');
      await shiftNet(runItems[0]!, '-0.01');
    }
  });

  test("a custom query naming its run column counts only that run's failing rows", async ({
    loaded: { firstItems, runItems, check },
    deps,
  }) => {
    await deps.warehouse.query('update dwh.fact_sales set unit_price = 1 where order_item_id = any($1)', [
      [firstItems[0], runItems[0]],
    ]);
    try {
      const scoped = (await check('run')).get('lines_below_100_uah')!;
      expect(scoped).toMatchObject({ status: 'fail', failingCount: 1 });
      expect(scoped.sampleRows).toEqual([expect.objectContaining({ order_item_id: runItems[0] })]);
      expect((await check('all')).get('lines_below_100_uah')).toMatchObject({
        status: 'fail',
        failingCount: 2,
      });
    } finally {
      await deps.warehouse.query(
        'update dwh.fact_sales set unit_price = gross_amount / quantity where order_item_id = any($1)',
        [[firstItems[0], runItems[0]]],
      );
    }
  });

  test('checks the histories of the keys the run wrote a version of, and only those', async ({
    loaded: { runId },
    deps,
  }) => {
    const history = inlineRules(`
rules:
  - name: customer_history
    type: scd2_integrity
    target: dwh.dim_customer
    key: customer_id
`);
    const historyCheck = async (scope: DqScope) =>
      (await runQualityChecks(deps, history, { etlRunId: runId, scope })).results[0]!;
    const { rows: customers } = await deps.warehouse.query<{ id: string }>(
      'select customer_id::text as id from dwh.dim_customer where customer_key <> 0 order by customer_id limit 2',
    );
    const [written, untouched] = customers.map((c) => c.id);
    // the run wrote a version of the first customer; both get a second version overlapping the first
    await deps.warehouse.query('update dwh.dim_customer set etl_run_id = $2 where customer_id = $1', [
      written,
      runId,
    ]);
    await deps.warehouse.query(
      `insert into dwh.dim_customer (customer_id, email, full_name, version, valid_from, valid_to, is_current, row_hash)
       select customer_id, email, full_name, 2, valid_from + interval '1 day', '9999-12-31', false, 'x'
       from dwh.dim_customer where customer_id = any($1::bigint[])`,
      [[written, untouched]],
    );
    try {
      const scoped = await historyCheck('run');
      expect(scoped).toMatchObject({ status: 'fail', failingCount: 2, totalCount: 2 });
      expect(new Set(scoped.sampleRows.map((r) => String(r.customer_id)))).toEqual(new Set([written]));
      expect(await historyCheck('all')).toMatchObject({ status: 'fail', failingCount: 4 });
    } finally {
      await deps.warehouse.query(
        'delete from dwh.dim_customer where customer_id = any($1::bigint[]) and version = 2',
        [[written, untouched]],
      );
    }
  });

  test('reconciliation in run scope does not report a mismatch on a day the run did not touch', async ({
    loaded: { firstItems, check },
    writer,
  }) => {
    // a net amount of the first load's 2025-01-11 (Kyiv) lowered in the source, updated_at kept
    await shiftSourceDiscount(writer, firstItems[0]!, '0.01');
    try {
      expect((await check('run')).get('net_per_day')).toMatchObject({ status: 'pass', totalCount: 1 });
      const all = (await check('all')).get('net_per_day')!;
      expect(all).toMatchObject({ status: 'fail', failingCount: 1, totalCount: 3 });
      expect(all.sampleRows).toEqual([expect.objectContaining({ day: '2025-01-11', difference: '0.01' })]);
    } finally {
      await shiftSourceDiscount(writer, firstItems[0]!, '-0.01');
    }
  });

  test('reconciliation in run scope reports a mismatch on a day the run touched', async ({
    loaded: { runItems, check, shiftNet },
  }) => {
    await shiftNet(runItems[0]!, '0.01');
    try {
      const scoped = (await check('run')).get('net_per_day')!;
      expect(scoped).toMatchObject({ status: 'fail', failingCount: 1, totalCount: 1 });
      expect(scoped.sampleRows).toEqual([expect.objectContaining({ day: '2025-03-05', difference: '0.01' })]);
    } finally {
      await shiftNet(runItems[0]!, '-0.01');
    }
  });
});
