import { describe, expect } from 'vitest';
import { etlTest } from '../support/fixtures.ts';
import { checkRules, inlineRules, shopWithOrders, storedResult } from './dq-test-kit.ts';

/** One rule of each row-level type, on dwh.fact_sales. */
const RULES = inlineRules(`
target: dwh.fact_sales
rules:
  - name: order_id_not_null
    type: not_null
    column: order_id
  - name: order_item_id_unique
    type: unique
    columns: [order_item_id]
  - name: order_status_accepted
    type: accepted_values
    column: order_status
    values: [pending_payment, paid, shipped, delivered, cancelled, refunded]
  - name: customer_key_relationship
    type: relationships
    column: customer_key
    to: dwh.dim_customer
    field: customer_key
  - name: product_key_relationship
    type: relationships
    column: product_key
    to: dwh.dim_product
    field: product_key
    max_unknown: 0
  - name: net_is_gross_minus_discount
    type: expression_is_true
    expression: net_amount = gross_amount - discount_amount
  - name: lines_with_unknown_status
    type: custom_sql
    sql: select order_item_id, order_status from dwh.fact_sales where order_status = 'lost'
`);

/** Which line each test breaks, by its index in the shop's order lines. */
const [duplicated, nulled, lost, orphaned, shifted, unknown] = [0, 1, 2, 3, 4, 5];

const test = etlTest.extend<{
  /** The shop's order lines, loaded by a first run. */
  items: number[];
  /** The rules' results after one line of each kind was broken in the warehouse. */
  broken: Awaited<ReturnType<typeof checkRules>>;
}>({
  items: [
    async ({ writer, run }, use) => {
      const { itemIds } = await shopWithOrders(writer);
      await run();
      await use(itemIds);
    },
    { scope: 'file' },
  ],
  broken: [
    async ({ deps, items }, use) => {
      const item = (i: number) => items[i]!;
      // constraints that would refuse the broken rows are dropped in this scratch warehouse only
      await deps.warehouse.query(`
        alter table dwh.fact_sales drop constraint fact_sales_pkey;
        alter table dwh.fact_sales alter column order_id drop not null;
        insert into dwh.fact_sales select * from dwh.fact_sales where order_item_id = ${item(duplicated)};
        update dwh.fact_sales set order_id = null where order_item_id = ${item(nulled)};
        update dwh.fact_sales set order_status = 'lost' where order_item_id = ${item(lost)};
        update dwh.fact_sales set customer_key = 987654 where order_item_id = ${item(orphaned)};
        update dwh.fact_sales set net_amount = net_amount + 0.01 where order_item_id = ${item(shifted)};
        update dwh.fact_sales set product_key = 0 where order_item_id = ${item(unknown)};`);
      await use(await checkRules(deps, RULES));
    },
    { scope: 'file' },
  ],
});

describe('row-level rules', () => {
  test('pass on clean data', async ({ deps, items: _ }) => {
    const results = await checkRules(deps, RULES);
    expect([...results.values()].map((r) => [r.ruleName, r.status])).toEqual(
      RULES.map((r) => [r.name, 'pass']),
    );
    expect(results.get('order_id_not_null')).toMatchObject({ totalCount: 8, failingCount: 0 });
    // the primary key guarantees it: no grouping of the table
    expect(results.get('order_item_id_unique')!.details).toEqual({ enforced_by: 'dwh.fact_sales_pkey' });
  });

  describe('on data broken on purpose', () => {
    const sampledItems = (results: Awaited<ReturnType<typeof checkRules>>, rule: string) =>
      results.get(rule)!.sampleRows.map((row) => Number(row.order_item_id));

    test('not_null fails on a null key, with the row in the sample', async ({
      deps,
      items,
      broken: results,
    }) => {
      expect(results.get('order_id_not_null')).toMatchObject({
        status: 'fail',
        failingCount: 1,
        totalCount: 9,
      });
      expect(sampledItems(results, 'order_id_not_null')).toEqual([items[nulled]]);
      const stored = await storedResult(deps.warehouse, results.dqRunId, 'order_id_not_null');
      expect(stored).toMatchObject({ status: 'fail', observed: 1, failing: 1, threshold: 'max_failing 0' });
      expect(stored.sample_rows[0].order_id).toBeNull();
    });

    test('unique fails on a duplicated key, with both rows in the sample', ({ items, broken: results }) => {
      expect(results.get('order_item_id_unique')).toMatchObject({ status: 'fail', failingCount: 2 });
      expect(results.get('order_item_id_unique')!.details).toEqual({ duplicate_keys: 1 });
      expect(sampledItems(results, 'order_item_id_unique')).toEqual([items[duplicated], items[duplicated]]);
    });

    test('accepted_values fails on a value outside the list', ({ items, broken: results }) => {
      expect(results.get('order_status_accepted')).toMatchObject({ status: 'fail', failingCount: 1 });
      expect(results.get('order_status_accepted')!.sampleRows[0]).toMatchObject({
        order_item_id: items[lost],
        order_status: 'lost',
      });
    });

    test('relationships fails on an orphan key, and counts rows on the unknown member against their limit', ({
      items,
      broken: results,
    }) => {
      const orphan = results.get('customer_key_relationship')!;
      expect(orphan).toMatchObject({ status: 'fail', failingCount: 1 });
      expect(orphan.sampleRows).toEqual([
        expect.objectContaining({
          _dq_problem: 'orphan',
          order_item_id: items[orphaned],
          customer_key: 987654,
        }),
      ]);
      const unknownMember = results.get('product_key_relationship')!;
      expect(unknownMember).toMatchObject({
        status: 'fail',
        failingCount: 0,
        threshold: 'max_failing 0, max_unknown 0',
      });
      expect(unknownMember.details).toMatchObject({ orphans: 0, unknown_member_rows: 1 });
      expect(unknownMember.sampleRows).toEqual([
        expect.objectContaining({
          _dq_problem: 'unknown_member',
          order_item_id: items[unknown],
          product_key: 0,
        }),
      ]);
    });

    test('expression_is_true fails on an amount shifted by 0.01', ({ items, broken: results }) => {
      const result = results.get('net_is_gross_minus_discount')!;
      expect(result).toMatchObject({ status: 'fail', failingCount: 1 });
      expect(sampledItems(results, 'net_is_gross_minus_discount')).toEqual([items[shifted]]);
    });

    test('custom_sql fails when its query returns rows, which are the sample', ({
      items,
      broken: results,
    }) => {
      expect(results.get('lines_with_unknown_status')).toMatchObject({ status: 'fail', failingCount: 1 });
      expect(results.get('lines_with_unknown_status')!.sampleRows).toEqual([
        { order_item_id: items[lost], order_status: 'lost' },
      ]);
    });

    test('a warn rule over its limit is recorded as warn; mostly tolerates a share of failing rows', async ({
      deps,
      broken: _,
    }) => {
      const lenient = inlineRules(`
target: dwh.fact_sales
rules:
  - name: net_mostly
    type: expression_is_true
    expression: net_amount = gross_amount - discount_amount
    mostly: 0.8
  - name: net_warn
    type: expression_is_true
    expression: net_amount = gross_amount - discount_amount
    severity: warn
  - name: broken_sql
    type: expression_is_true
    expression: no_such_column > 0
`);
      const checked = await checkRules(deps, lenient);
      expect(checked.get('net_mostly')).toMatchObject({ status: 'pass', threshold: 'mostly 0.8' });
      expect(checked.get('net_warn')).toMatchObject({ status: 'warn', failingCount: 1 });
      // one rule's bad SQL is its own error, not the others' (they shared a table scan)
      expect(checked.get('broken_sql')!.status).toBe('error');
      expect(checked.get('broken_sql')!.message).toMatch(/no_such_column/);
    });
  });
});
