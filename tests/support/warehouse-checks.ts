import type pg from 'pg';
import { SOURCE_TABLES, type SourceTable } from '../../pipeline/index.ts';
import { mirrorTable } from '../../warehouse/index.ts';
import type { SourceWriter } from './source-writer.ts';

/** The configured tables without the safety lag, so rows written a moment ago are in the next run. */
export const TEST_TABLES: SourceTable[] = SOURCE_TABLES.map((t) => ({ ...t, safetyLagSeconds: 0 }));

/**
 * A canonical digest of the star schema: natural keys instead of surrogate keys, no load timestamps
 * or run ids, so two warehouses built from the same sources compare equal however they were built.
 */
export async function starSchemaDigest(db: pg.Pool): Promise<Record<string, string>> {
  const queries: Record<string, string> = {
    dim_customer: `select customer_id, email, full_name, phone, city, region_id, manager_id, version, valid_from, valid_to, is_current, is_inferred from dwh.dim_customer order by customer_id, valid_from`,
    dim_product: `select product_id, sku, product_name, category_id, list_price, is_active, version, valid_from, valid_to, is_current, is_inferred from dwh.dim_product order by product_id, valid_from`,
    dim_employee: `select employee_id, full_name, region_id, version, valid_from, valid_to, is_current from dwh.dim_employee order by employee_id, valid_from`,
    dim_region: `select region_id, region_code, region_name, is_inferred from dwh.dim_region order by region_id`,
    dim_category: `select category_id, category_name, category_path, depth from dwh.dim_category order by category_id`,
    fact_sales: `select f.order_item_id, f.order_id, f.order_date_key, c.customer_id, c.version as cv, p.product_id, p.version as pv,
                        e.employee_id, r.region_id, m.payment_method_id, f.order_status, f.is_revenue, f.quantity, f.unit_price,
                        f.gross_amount, f.discount_amount, f.net_amount, f.currency, f.order_created_at, f.deleted_at is not null as deleted
                 from dwh.fact_sales f
                 join dwh.dim_customer c using (customer_key) join dwh.dim_product p using (product_key)
                 join dwh.dim_employee e using (employee_key) join dwh.dim_region r using (region_key)
                 join dwh.dim_payment_method m using (payment_method_key)
                 order by f.order_item_id`,
  };
  const digest: Record<string, string> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const { rows } = await db.query(
      `select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|')), '') as d from (${sql}) t`,
    );
    digest[name] = rows[0]!.d;
  }
  return digest;
}

/** Row counts of every mirror against its source table (rows the source still has). */
export async function mirrorCounts(
  w: SourceWriter,
  db: pg.Pool,
): Promise<{ table: string; source: number; mirror: number }[]> {
  const out = [];
  for (const t of SOURCE_TABLES) {
    const [row] = await w.rows<{ n: number }>(
      t.database as never,
      `SELECT COUNT(*) AS n FROM \`${t.table}\``,
    );
    const { rows } = await db.query(
      `select count(*)::int as n from ${mirrorTable(t.database, t.table)} where _deleted_at is null`,
    );
    out.push({ table: `${t.database}.${t.table}`, source: Number(row!.n), mirror: rows[0]!.n });
  }
  return out;
}

/** Per local business day: order lines and net amount in cents, from the sources. */
export async function sourceDailyTotals(
  w: SourceWriter,
  timeZone = 'Europe/Kyiv',
): Promise<Map<number, { lines: number; netCents: bigint }>> {
  const rows = await w.rows<{
    created_at: string;
    quantity: number;
    unit_price: string;
    discount_amount: string;
  }>(
    'orders',
    `SELECT o.created_at, i.quantity, i.unit_price, i.discount_amount
     FROM order_items i JOIN orders o ON o.id = i.order_id`,
  );
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const totals = new Map<number, { lines: number; netCents: bigint }>();
  const cents = (v: string) => BigInt(v.replace('.', ''));
  for (const r of rows) {
    const day = Number(format.format(new Date(`${r.created_at.replace(' ', 'T')}Z`)).replaceAll('-', ''));
    const entry = totals.get(day) ?? { lines: 0, netCents: 0n };
    entry.lines += 1;
    entry.netCents += BigInt(r.quantity) * cents(r.unit_price) - cents(r.discount_amount);
    totals.set(day, entry);
  }
  return totals;
}

/** The same totals from fact_sales (lines still present in the source). */
export async function factDailyTotals(
  db: pg.Pool,
): Promise<Map<number, { lines: number; netCents: bigint }>> {
  const { rows } = await db.query<{ d: number; lines: number; cents: string }>(
    `select order_date_key as d, count(*)::int as lines, (sum(net_amount) * 100)::bigint::text as cents
     from dwh.fact_sales where deleted_at is null group by 1`,
  );
  return new Map(rows.map((r) => [r.d, { lines: r.lines, netCents: BigInt(r.cents) }]));
}
