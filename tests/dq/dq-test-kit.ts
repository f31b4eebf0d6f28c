import type pg from 'pg';
import { type DqResult, type DqRule, parseRuleFile, runQualityChecks } from '../../dq/index.ts';
import type { PipelineDeps } from '../../pipeline/index.ts';
import { placeOrder, type SourceWriter, seedSmallShop } from '../support/source-writer.ts';

/** Rules written inline in a test, through the same parser and schema as the .dq.yml files. */
export function inlineRules(yamlText: string): DqRule[] {
  return parseRuleFile('tests/dq/inline.dq.yml', yamlText);
}

/** Checks the rules and returns each stored result by rule name. */
export async function checkRules(
  deps: PipelineDeps,
  rules: readonly DqRule[],
): Promise<Map<string, DqResult> & { dqRunId: number }> {
  const summary = await runQualityChecks(deps, rules, { etlRunId: null });
  return Object.assign(new Map(summary.results.map((r) => [r.ruleName, r])), { dqRunId: summary.dqRunId });
}

/** The stored row of one rule in one DQ run, as an analyst would query it. */
export async function storedResult(db: pg.Pool, dqRunId: number, ruleName: string) {
  const { rows } = await db.query(
    `select status, observed_value::float8 as observed, failing_count::int as failing, threshold, sample_rows, etl_run_id
     from dq.results where dq_run_id = $1 and rule_name = $2`,
    [dqRunId, ruleName],
  );
  return rows[0];
}

/** The small shop and four paid orders of two lines each. */
export async function shopWithOrders(
  w: SourceWriter,
  createdAt: (i: number) => string | undefined = () => undefined,
) {
  const shop = await seedSmallShop(w);
  const orders = [];
  for (let i = 0; i < 4; i++) {
    orders.push(
      await placeOrder(w, {
        customerId: shop.customers[i % 2]!,
        employeeId: shop.employees[i % 2]!,
        createdAt: createdAt(i),
        lines: [
          { productId: shop.products[0]!, quantity: 1 + i, unitPrice: '19999.99', discount: '100.00' },
          { productId: shop.products[1]!, quantity: 2, unitPrice: '299.50' },
        ],
        paidWith: 'card',
      }),
    );
  }
  return { shop, orders, itemIds: orders.flatMap((o) => o.itemIds) };
}

/**
 * Changes an order line's discount in the source without touching its updated_at: a silent fix the
 * watermark cannot see, which only reconciliation finds.
 */
export function shiftSourceDiscount(writer: SourceWriter, itemId: number, by: '0.01' | '-0.01') {
  return writer.exec(
    'orders',
    'UPDATE order_items SET discount_amount = discount_amount + ?, updated_at = updated_at WHERE id = ?',
    [by, itemId],
  );
}
