import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../demo/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { openSources, rows } from './helpers/source-queries.ts';

const ANCHOR = '2025-06-15';
let scratch: Scratch;
let sources: ReturnType<typeof openSources>;
let orders: string;
let payments: string;

beforeAll(async () => {
  scratch = await createScratch();
  await seedDemoData(scratch.config, {
    scale: 0.05,
    seed: 'realism',
    anchorDay: ANCHOR,
    reset: false,
    quiet: true,
  });
  sources = openSources(scratch.config);
  orders = `orders_${scratch.suffix}`;
  payments = `payments_${scratch.suffix}`;
});
afterAll(async () => {
  await sources?.end();
  await scratch?.drop();
});

const one = async <T>(sql: string, values: unknown[] = []) =>
  (await rows<T>(sources.orders, sql, values))[0]!;

describe('seeded data at scale 0.05', () => {
  it('has the expected sizes', async () => {
    const counts = await one<{ customers: number; orders: number; items: number }>(
      `select (select count(*) from customers) customers, (select count(*) from orders) orders,
              (select count(*) from order_items) items`,
    );
    expect(Number(counts.customers)).toBe(500);
    expect(Number(counts.orders)).toBe(5000);
    expect(Number(counts.items) / 5000).toBeGreaterThan(3.2);
    expect(Number(counts.items) / 5000).toBeLessThan(3.9);
  });

  it('has the 25 regions, each with 2–5 sales managers, and customers served by a manager of their region', async () => {
    const regions = await rows<{ managers: number }>(
      sources.orders,
      'select count(e.id) managers from regions r left join employees e on e.region_id = r.id group by r.id',
    );
    expect(regions).toHaveLength(25);
    for (const r of regions) expect(Number(r.managers)).toBeGreaterThanOrEqual(2);
    for (const r of regions) expect(Number(r.managers)).toBeLessThanOrEqual(5);
    const mismatched = await one<{ n: number }>(
      `select count(*) n from customers c join employees e on e.id = c.manager_id where e.region_id <> c.region_id`,
    );
    expect(Number(mismatched.n)).toBe(0);
    const wrongEmployee = await one<{ n: number }>(
      'select count(*) n from orders o join customers c on c.id = o.customer_id where o.employee_id <> c.manager_id',
    );
    expect(Number(wrongEmployee.n)).toBe(0);
  });

  it('keeps money consistent: lines → order subtotal, discount and total', async () => {
    const bad = await one<{ n: number }>(
      `select count(*) n from orders o join (
         select order_id, sum(quantity * unit_price) gross, sum(discount_amount) discount, count(*) line_count
           from order_items group by order_id) i on i.order_id = o.id
        where o.subtotal_amount <> i.gross or o.discount_amount <> i.discount
           or o.total_amount <> o.subtotal_amount - o.discount_amount or i.line_count not between 1 and 8
           or o.total_amount < 0`,
    );
    expect(Number(bad.n)).toBe(0);
    const discounted = await one<{ share: number }>('select avg(discount_id is not null) share from orders');
    expect(Number(discounted.share)).toBeGreaterThan(0.1);
    expect(Number(discounted.share)).toBeLessThan(0.2);
    const undiscountedWithDiscount = await one<{ n: number }>(
      'select count(*) n from orders where discount_id is null and discount_amount <> 0',
    );
    expect(Number(undiscountedWithDiscount.n)).toBe(0);
  });

  it('has realistic statuses whose timestamps agree with them, all before the anchor', async () => {
    const statuses = await rows<{ status: string; share: number }>(
      sources.orders,
      'select status, count(*) / (select count(*) from orders) share from orders group by status',
    );
    const share = Object.fromEntries(statuses.map((s) => [s.status, Number(s.share)]));
    expect(share.delivered).toBeGreaterThan(0.8);
    expect(share.cancelled).toBeGreaterThan(0.02);
    expect(share.refunded).toBeGreaterThan(0.01);
    expect((share.paid ?? 0) + (share.shipped ?? 0) + (share.pending_payment ?? 0)).toBeLessThan(0.05);
    const inconsistent = await one<{ n: number }>(
      `select count(*) n from orders where
         (status = 'pending_payment' and (paid_at is not null or cancelled_at is not null))
      or (status = 'paid' and (paid_at is null or shipped_at is not null))
      or (status = 'shipped' and (shipped_at is null or delivered_at is not null or paid_at > shipped_at))
      or (status = 'delivered' and (delivered_at is null or shipped_at > delivered_at))
      or (status = 'cancelled' and (cancelled_at is null or paid_at is not null))
      or (status = 'refunded' and paid_at is null)
      or created_at > updated_at or paid_at < created_at
      or updated_at >= ?`,
      [`${ANCHOR} 00:00:00`],
    );
    expect(Number(inconsistent.n)).toBe(0);
    const window = await one<{ first: string; last: string }>(
      'select min(created_at) first, max(created_at) last from orders',
    );
    expect(window.first >= '2023-06-15').toBe(true);
    expect(window.last < `${ANCHOR} 00:00:00`).toBe(true);
    const beforeSignUp = await one<{ n: number }>(
      'select count(*) n from orders o join customers c on c.id = o.customer_id where o.created_at < c.created_at',
    );
    expect(Number(beforeSignUp.n)).toBe(0);
  });

  it('has one successful payment for every order that was ever paid, none for the others', async () => {
    const missing = await one<{ n: number }>(
      `select count(*) n from orders o where o.paid_at is not null and 1 <> (
         select count(*) from ${payments}.payments p
          where p.order_id = o.id and p.status in ('succeeded', 'refunded') and p.amount = o.total_amount)`,
    );
    expect(Number(missing.n)).toBe(0);
    const extra = await one<{ n: number }>(
      `select count(*) n from ${payments}.payments p join orders o on o.id = p.order_id
        where p.status in ('succeeded', 'refunded') and o.paid_at is null`,
    );
    expect(Number(extra.n)).toBe(0);
    const refundsMatch = await one<{ n: number }>(
      `select count(*) n from ${payments}.payments p join orders o on o.id = p.order_id
        where (p.status = 'refunded') <> (o.status = 'refunded') and p.status in ('succeeded', 'refunded')`,
    );
    expect(Number(refundsMatch.n)).toBe(0);
    const shapes = await rows<{ method: string; psp: string | null; key: string }>(
      sources.payments,
      'select method, psp_reference psp, idempotency_key `key` from payments order by id limit 200',
    );
    for (const p of shapes) {
      expect(p.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (p.method === 'cash_on_delivery') expect(p.psp).toBeNull();
      else expect(p.psp).toMatch(/^psp_[0-9a-f]{24}$/);
    }
  });

  it('carries the awkward text the ETL must escape, byte for byte', async () => {
    const names = (await rows<{ full_name: string }>(sources.orders, 'select full_name from customers')).map(
      (r) => r.full_name,
    );
    expect(names.some((n) => n.includes("'"))).toBe(true);
    expect(names.some((n) => n.includes('\u02BC'))).toBe(true);
    expect(names.some((n) => /[А-ЯІЇЄҐа-яіїєґ]/.test(n))).toBe(true);
    expect(names.some((n) => /^[A-Za-z' ]+$/.test(n))).toBe(true);
    const products = await rows<{ name: string; description: string | null }>(
      sources.catalog,
      'select name, description from products',
    );
    expect(products.some((p) => p.name.includes('"'))).toBe(true);
    expect(products.some((p) => p.description?.includes('\t'))).toBe(true);
    expect(products.some((p) => p.description?.includes('C:\\Drivers\\TechMarket\\'))).toBe(true);
    expect(products.some((p) => p.description?.includes('\n'))).toBe(true);
    const categories = await rows<{ depth: number }>(
      sources.catalog,
      `select max(case when c3.id is not null then 3 when c2.id is not null then 2 else 1 end) depth
         from categories c1 left join categories c2 on c2.id = c1.parent_id left join categories c3 on c3.id = c2.parent_id`,
    );
    expect(Number(categories[0]!.depth)).toBe(3);
    const currencies = await rows<{ currency: string }>(
      sources.catalog,
      'select distinct currency from products',
    );
    expect(currencies.map((c) => c.currency)).toEqual(['UAH']);
    expect(orders).toContain(scratch.suffix);
  });
});
