import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { forbidden } from '../shared/index.ts';
import type { LinesQuery, SalesFilter, SalesLine, SeriesPoint, SeriesQuery } from './sales-schemas.ts';

/**
 * The page reads the warehouse's bi views as the user's own database role: each request is one
 * read-only transaction that first does SET LOCAL ROLE to the login role bi.page_users names for
 * the auth user, so PostgreSQL's row-level security decides which regions they see, not this code.
 */

// biome-ignore lint/suspicious/noExplicitAny: the bi views are read with sql fragments, not the builder
type Warehouse = Record<string, any>;

const dateKey = (day: string) => Number(day.replaceAll('-', ''));

export function createSalesRepository(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'techmarket-bi' });
  const db = new Kysely<Warehouse>({ dialect: new PostgresDialect({ pool }) });

  /** Runs `work` as the user's role; a user without a page login is refused (403). */
  async function asUser<T>(
    authUserId: number,
    work: (trx: Transaction<Warehouse>) => Promise<T>,
  ): Promise<T> {
    return db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        // one round trip: the role (SET LOCAL ROLE, checked as SET ROLE is) and a statement timeout
        const { rows } = await sql<{ role: string }>`
          select set_config('role', user_name, true) as role, set_config('statement_timeout', '10s', true)
          from bi.page_users where auth_user_id = ${authUserId}`.execute(trx);
        if (rows.length === 0) {
          throw forbidden(
            'you have no access to sales figures: ask a BI admin (techmarket bi grant --auth-user-id)',
          );
        }
        return work(trx);
      });
  }

  /** The rows of the filter: dates, regions by code, categories with their descendants. */
  function where(f: SalesFilter, alias: string, categoryColumn: string | null) {
    const parts = [
      sql`${sql.ref(`${alias}.order_date_key`)} between ${dateKey(f.from)} and ${dateKey(f.to)}`,
    ];
    if (f.regions.length > 0) parts.push(sql`${sql.ref(`${alias}.region_code`)} = any (${f.regions})`);
    if (f.categories.length > 0 && categoryColumn) {
      parts.push(sql`${sql.ref(`${alias}.${categoryColumn}`)} in (
        select c.category_key from bi.categories c join bi.categories s
          on c.category_path = s.category_path or c.category_path like s.category_path || ' > %'
        where s.category_key = any (${f.categories}))`);
    }
    return sql.join(parts, sql` and `);
  }

  /** Revenue and orders per month, week or day: from the daily rollups (or the lines, to compare). */
  function seriesSql(q: SeriesQuery) {
    const period = sql`date_trunc(${q.grain}, a.order_date)::date::text`;
    return q.source === 'lines'
      ? sql<Record<string, string>>`
            select ${period} as period, coalesce(sum(a.net_revenue), 0)::text as revenue,
                   count(distinct a.order_id)::int as orders,
                   (count(distinct a.order_id) filter (where a.is_revenue))::int as revenue_orders,
                   (coalesce(sum(a.quantity) filter (where a.is_revenue), 0))::int as units
            from bi.sales a where ${where(q, 'a', 'category_key')}
            group by 1 order by 1`
      : q.categories.length > 0
        ? sql<Record<string, string>>`
            select ${period} as period, sum(a.net_revenue)::text as revenue, sum(a.orders)::int as orders,
                   sum(a.revenue_orders)::int as revenue_orders, sum(a.units)::int as units
            from bi.sales_daily_by_category a where ${where(q, 'a', 'category_key')}
            group by 1 order by 1`
        : sql<Record<string, string>>`
            select ${period} as period, sum(a.net_revenue)::text as revenue, sum(a.orders)::int as orders,
                   sum(a.revenue_orders)::int as revenue_orders, sum(a.units)::int as units
            from bi.sales_daily a where ${where(q, 'a', null)}
            group by 1 order by 1`;
  }

  return {
    db,
    async close() {
      await db.destroy();
    },
    async ping() {
      await sql`select 1`.execute(db);
    },

    async filters(authUserId: number) {
      return asUser(authUserId, async (trx) => {
        const regions = await sql<{ code: string; name: string }>`
          select region_code as code, region_name as name from bi.regions where region_key <> 0 order by 1`.execute(
          trx,
        );
        const categories = await sql<{ key: string; path: string; depth: number }>`
          select category_key::text as key, category_path as path, depth from bi.categories
          where category_key <> 0 order by category_path`.execute(trx);
        const range = await sql<{ first: string | null; last: string | null }>`
          select min(order_date)::text as first, max(order_date)::text as last from bi.sales_daily`.execute(
          trx,
        );
        return {
          regions: regions.rows,
          categories: categories.rows.map((c) => ({ key: Number(c.key), path: c.path, depth: c.depth })),
          firstDay: range.rows[0]?.first ?? null,
          lastDay: range.rows[0]?.last ?? null,
        };
      });
    },

    async series(authUserId: number, q: SeriesQuery): Promise<SeriesPoint[]> {
      const query = seriesSql(q);
      const { rows } = await asUser(authUserId, (trx) => query.execute(trx));
      return rows.map((r) => ({
        period: r.period!,
        revenue: r.revenue!,
        orders: Number(r.orders),
        revenueOrders: Number(r.revenue_orders),
        units: Number(r.units),
      }));
    },

    /** The series query's plan as the user runs it (bench/bi prints it). */
    async explainSeries(authUserId: number, q: SeriesQuery): Promise<string> {
      const { rows } = await asUser(authUserId, (trx) =>
        sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${seriesSql(q)}`.execute(trx),
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    },

    /** The order lines behind a point (drill-through), in date and line order, a page at a time. */
    async lines(authUserId: number, q: LinesQuery, limit: number): Promise<SalesLine[]> {
      const after = q.cursor
        ? sql`and (a.order_date, a.order_item_id) > (${q.cursor.split(',')[0]}::date, ${Number(q.cursor.split(',')[1])})`
        : sql``;
      const { rows } = await asUser(authUserId, (trx) =>
        sql<Record<string, string | null>>`
          select a.order_date::text, a.order_item_id::text, a.order_id::text, a.region_code, a.category_name,
                 a.sku, a.product_name, a.manager_name, a.payment_method_name, a.order_status,
                 a.quantity::text, a.net_amount::text, a.net_revenue::text
          from bi.sales a
          where ${where(q, 'a', 'category_key')} ${after}
          order by a.order_date, a.order_item_id
          limit ${limit}`.execute(trx),
      );
      return rows.map((r) => ({
        orderDate: r.order_date!,
        orderItemId: Number(r.order_item_id),
        orderId: Number(r.order_id),
        regionCode: r.region_code ?? null,
        categoryName: r.category_name ?? null,
        sku: r.sku ?? null,
        productName: r.product_name ?? null,
        managerName: r.manager_name ?? null,
        paymentMethod: r.payment_method_name ?? null,
        status: r.order_status!,
        quantity: Number(r.quantity),
        netAmount: r.net_amount!,
        netRevenue: r.net_revenue!,
      }));
    },
  };
}

export type SalesRepository = ReturnType<typeof createSalesRepository>;
