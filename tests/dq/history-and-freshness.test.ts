import { describe, expect } from 'vitest';
import { etlTest } from '../support/fixtures.ts';
import { placeOrder, type SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import { checkRules, inlineRules, storedResult } from './dq-test-kit.ts';

const RULES = inlineRules(`
rules:
  - name: customer_history
    type: scd2_integrity
    target: dwh.dim_customer
    key: customer_id
  - name: orders_fresh
    type: freshness
    source: orders.orders
    max_age: 1h
  - name: payments_fresh
    type: freshness
    source: payments.payments
    max_age: 1d
`);

/** A shop whose one customer moved region between two runs, and whose payments source is stale. */
const test = etlTest.extend<{ customerId: number }>({
  customerId: [
    async ({ writer, run }, use) => {
      const shop = await seedSmallShop(writer);
      const customerId = shop.customers[0]!;
      await placeOrder(writer, {
        customerId,
        employeeId: shop.employees[0]!,
        lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '10.00' }],
      });
      // the only payment the source has was made three days ago: payments is a stale source
      await writer.insert('payments', 'payments', {
        order_id: 1,
        amount: '10.00',
        currency: 'UAH',
        method: 'card',
        status: 'succeeded',
        psp_reference: 'psp-old',
        idempotency_key: 'idem-old',
        created_at: '2000-01-01 00:00:00',
        updated_at: await threeDaysAgo(writer),
      });
      await run();
      // a second version of the customer: moved region
      await writer.exec('orders', 'UPDATE customers SET region_id = ? WHERE id = ?', [
        shop.regions[1],
        customerId,
      ]);
      await run();
      await use(customerId);
    },
    { scope: 'file' },
  ],
});

describe('scd2_integrity and freshness', () => {
  test('scd2_integrity passes on the history the loader built', async ({ customerId: _, deps }) => {
    const results = await checkRules(deps, RULES);
    expect(results.get('customer_history')).toMatchObject({ status: 'pass', failingCount: 0, totalCount: 4 });
  });

  test('freshness passes for a source written to a moment ago, and fails for a stale one', async ({
    customerId: _,
    deps,
  }) => {
    const results = await checkRules(deps, RULES);
    expect(results.get('orders_fresh')).toMatchObject({ status: 'pass', threshold: 'max_age 1h' });
    expect(results.get('orders_fresh')!.observedValue).toBeLessThan(600);
    const stale = results.get('payments_fresh')!;
    expect(stale).toMatchObject({ status: 'fail', threshold: 'max_age 1d', failingCount: 1 });
    expect(stale.observedValue).toBeGreaterThan(3 * 86_400 - 600);
    expect(stale.message).toMatch(/newest payments\.payments\.updated_at loaded is 3\.0\d?d? old|is 72/);
    const [sample] = stale.sampleRows;
    expect(sample).toMatchObject({ source_table: 'payments.payments', max_age_seconds: 86_400 });
    // the source itself is as old as the warehouse: a stale source, not a stalled pipeline
    expect(sample!.newest_loaded).toBe(sample!.source_newest);
    expect((await storedResult(deps.warehouse, results.dqRunId, 'payments_fresh')).status).toBe('fail');
  });

  test('scd2_integrity fails on two overlapping versions, both in the sample', async ({
    customerId,
    deps,
  }) => {
    // version 1 now ends a day after version 2 begins; unique (customer_id, valid_from) and the
    // partial unique index on is_current both allow it
    await deps.warehouse.query(
      `update dwh.dim_customer v1 set valid_to = v2.valid_from + interval '1 day'
       from dwh.dim_customer v2
       where v1.customer_id = $1 and v2.customer_id = $1 and v1.version = 1 and v2.version = 2`,
      [customerId],
    );
    const result = (await checkRules(deps, RULES)).get('customer_history')!;
    expect(result).toMatchObject({ status: 'fail', failingCount: 2, totalCount: 4 });
    expect(result.details).toMatchObject({ overlap: 2, gap: 0, several_current: 0 });
    expect(result.sampleRows.map((r) => [Number(r.customer_id), r.version, r._dq_problems])).toEqual([
      [customerId, 1, ['overlap']],
      [customerId, 2, ['overlap']],
    ]);
  });

  test('scd2_integrity names a gap and a key with two current versions', async ({ customerId, deps }) => {
    // version 2 now starts an hour after version 1 ends
    await deps.warehouse.query(
      `update dwh.dim_customer v1 set valid_to = v2.valid_from
       from dwh.dim_customer v2
       where v1.customer_id = $1 and v2.customer_id = $1 and v1.version = 1 and v2.version = 2`,
      [customerId],
    );
    await deps.warehouse.query(
      `update dwh.dim_customer set valid_from = valid_from + interval '1 hour' where customer_id = $1 and version = 2`,
      [customerId],
    );
    // the other customer gets a second current version beside the first, still open-ended one
    await deps.warehouse.query('drop index dwh.uq_dim_customer_current');
    await deps.warehouse.query(
      `insert into dwh.dim_customer (customer_id, email, full_name, version, valid_from, is_current, row_hash)
       select customer_id, email, full_name, 2, valid_from + interval '1 day', true, 'x'
       from dwh.dim_customer where customer_id <> $1 and customer_id <> 0`,
      [customerId],
    );
    const result = (await checkRules(deps, RULES)).get('customer_history')!;
    expect(result.status).toBe('fail');
    expect(result.details).toMatchObject({ gap: 1, overlap: 2, several_current: 2, current_not_latest: 1 });
  });
});

async function threeDaysAgo(writer: SourceWriter): Promise<string> {
  const [row] = await writer.rows<{ at: string }>(
    'payments',
    'SELECT DATE_FORMAT(UTC_TIMESTAMP(6) - INTERVAL 3 DAY, "%Y-%m-%d %H:%i:%s.%f") AS at',
  );
  return row!.at;
}
