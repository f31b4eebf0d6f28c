import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeCounts, type SimulateResult, seedDemoData } from '../../demo/index.ts';
import { envFor, runCli } from '../cli/run-cli.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { observedChanges, snapshotSources, touchedExistingRows } from './helpers/simulation-diff.ts';
import { openSources, rows } from './helpers/source-queries.ts';

let scratch: Scratch;
let sources: ReturnType<typeof openSources>;
/** Everything simulated in this file, to check the rarer kinds happened at least once. */
const seen = { order_items_deleted: 0, orders_retotaled: 0, orders_cancelled: 0, payments_failed: 0 };

beforeAll(async () => {
  scratch = await createScratch();
  await seedDemoData(scratch.config, {
    scale: 0.1,
    seed: 'sim',
    anchorDay: '2025-06-15',
    reset: false,
    quiet: true,
  });
  sources = openSources(scratch.config);
});
afterAll(async () => {
  await sources?.end();
  await scratch?.drop();
});

async function simulate(days: number, seed = 'sim'): Promise<SimulateResult> {
  const run = await runCli(
    ['simulate', '--days', String(days), '--seed', seed, '--json'],
    envFor(scratch.config),
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as SimulateResult;
  for (const kind of Object.keys(seen) as (keyof typeof seen)[]) seen[kind] += result.totals[kind];
  return result;
}

const sumOf = (counts: ChangeCounts, kinds: (keyof ChangeCounts)[]) =>
  kinds.reduce((s, k) => s + counts[k], 0);

describe('techmarket simulate', () => {
  it('changes exactly what it prints, day after day', async () => {
    for (let round = 0; round < 2; round++) {
      const before = await snapshotSources(sources);
      const result = await simulate(1);
      const after = await snapshotSources(sources);
      expect(result.days).toHaveLength(1);
      expect(result.days[0]!.changes).toEqual(result.totals);
      expect(observedChanges(before, after)).toEqual(result.totals);

      // Every row it changed has a new updated_at (the ETL's watermark sees it), and no other row has.
      const newOrders = result.totals.orders_created;
      const paidAtCheckout = [...after.orders.keys()].filter(
        (id) => !before.orders.has(id) && after.orders.get(id)!.status === 'paid',
      ).length;
      expect(touchedExistingRows(before, after)).toEqual({
        customers: sumOf(result.totals, ['customers_moved_region', 'customers_reassigned']),
        products: sumOf(result.totals, ['products_repriced', 'products_renamed', 'products_recategorized']),
        orders:
          sumOf(result.totals, [
            'orders_paid',
            'orders_shipped',
            'orders_delivered',
            'orders_cancelled',
            'orders_refunded',
            'orders_retotaled',
          ]) - paidAtCheckout,
        orderItems: 0,
        payments: sumOf(result.totals, ['payments_completed', 'payments_failed', 'payments_refunded']),
      });

      // A shop day really happened.
      expect(newOrders).toBeGreaterThan(5);
      for (const kind of [
        'customers_created',
        'order_items_created',
        'orders_paid',
        'orders_shipped',
        'orders_delivered',
        'orders_refunded',
        'products_repriced',
        'products_renamed',
        'products_recategorized',
        'payments_created',
        'outbox_events_created',
      ] as const) {
        expect(result.totals[kind], kind).toBeGreaterThan(0);
      }
      expect(result.totals.customers_moved_region + result.totals.customers_reassigned).toBeGreaterThan(0);
      expect(result.totals.outbox_events_created).toBe(result.totals.orders_paid);
    }
  });

  it('over several days, adds and deletes exactly the rows it reports and keeps the money consistent', async () => {
    const before = await snapshotSources(sources);
    const result = await simulate(3, 'several');
    const after = await snapshotSources(sources);
    expect(result.days).toHaveLength(3);
    for (const kind of Object.keys(result.totals) as (keyof ChangeCounts)[]) {
      expect(
        result.days.reduce((s, d) => s + d.changes[kind], 0),
        kind,
      ).toBe(result.totals[kind]);
    }
    expect(after.customers.size - before.customers.size).toBe(result.totals.customers_created);
    expect(after.orders.size - before.orders.size).toBe(result.totals.orders_created);
    expect(after.orderItems.size - before.orderItems.size).toBe(
      result.totals.order_items_created - result.totals.order_items_deleted,
    );
    expect(after.payments.size - before.payments.size).toBe(result.totals.payments_created);
    expect(after.outbox.size - before.outbox.size).toBe(result.totals.outbox_events_created);

    const orders = `orders_${scratch.suffix}`;
    const [money] = await rows<{ n: number }>(
      sources.orders,
      `select count(*) n from ${orders}.orders o join (
         select order_id, sum(quantity * unit_price) gross, sum(discount_amount) discount
           from ${orders}.order_items group by order_id) i on i.order_id = o.id
        where o.subtotal_amount <> i.gross or o.discount_amount <> i.discount
           or o.total_amount <> o.subtotal_amount - o.discount_amount`,
    );
    expect(Number(money!.n)).toBe(0);
    const [unpaid] = await rows<{ n: number }>(
      sources.orders,
      `select count(*) n from ${orders}.orders o where o.paid_at is not null and 1 <> (
         select count(*) from payments_${scratch.suffix}.payments p
          where p.order_id = o.id and p.status in ('succeeded', 'refunded') and p.amount = o.total_amount)`,
    );
    expect(Number(unpaid!.n)).toBe(0);
  });

  it('over these days also cancelled orders and deleted lines of unpaid ones', () => {
    expect(seen.order_items_deleted).toBeGreaterThan(0);
    expect(seen.orders_retotaled).toBe(seen.order_items_deleted);
    expect(seen.orders_cancelled).toBeGreaterThan(0);
  });

  it('prints the changes by kind for people', async () => {
    const run = await runCli(['simulate', '--days', '1'], envFor(scratch.config));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orders_created\s+\d+$/m);
    expect(run.stdout).toMatch(/simulated 1 day in/);
  });
});
