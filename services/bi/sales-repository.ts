import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { badRequest, forbidden, HttpError } from '../shared/index.ts';
import type { LinesQuery, SalesFilter, SalesLine, SeriesPoint, SeriesQuery } from './sales-schemas.ts';

/**
 * The page reads the warehouse's bi views as the user's own database role: each request is one
 * read-only transaction that first does SET LOCAL ROLE to the login role bi.page_users names for
 * the auth user, so PostgreSQL's row-level security decides which regions they see, not this code.
 */

// biome-ignore lint/suspicious/noExplicitAny: the bi views are read with sql fragments, not the builder
type Warehouse = Record<string, any>;

const dateKey = (day: string) => Number(day.replaceAll('-', ''));

export function createSalesRepository(url: string, queryTimeoutMs = 10_000) {
  const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'techmarket-bi' });
  const db = new Kysely<Warehouse>({ dialect: new PostgresDialect({ pool }) });

  /**
   * Runs `work` as the user's role; a user without a page login is refused (403), a query past the
   * statement timeout answers 503 (the server's limit, which the client can live with by asking less).
   */
  async function asUser<T>(
    authUserId: number,
    work: (trx: Transaction<Warehouse>) => Promise<T>,
  ): Promise<T> {
    try {
      return await runAsUser(authUserId, work);
    } catch (error) {
      if ((error as { code?: string }).code === '57014') {
        throw new HttpError(
          503,
          'query_timeout',
          `the query ran longer than ${queryTimeoutMs} ms: narrow the date range`,
          { headers: { 'retry-after': '5' } },
        );
      }
      throw error;
    }
  }

  async function runAsUser<T>(
    authUserId: number,
    work: (trx: Transaction<Warehouse>) => Promise<T>,
  ): Promise<T> {
    return db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        // one round trip: the role (SET LOCAL ROLE, checked as SET ROLE is) and a statement timeout
        const { rows } = await sql<{ role: string }>`
          select set_config('role', user_name, true) as role,
                 set_config('statement_timeout', ${String(queryTimeoutMs)}, true)
          from bi.page_users where auth_user_id = ${authUserId}`.execute(trx);
        if (rows.length === 0) {
          throw forbidden(
            'you have no access to sales figures: ask a BI admin (techmarket bi grant --auth-user-id)',
          );
        }
        return work(trx);
      });
  }

  /** A category filter must name a leaf category (see sales-schemas.ts); 400 otherwise. */
  async function checkLeaf(trx: Transaction<Warehouse>, category: number | undefined): Promise<void> {
    if (category === undefined) return;
    const { rows } = await sql<{ leaf: boolean }>`
      select not exists (
        select 1 from dwh.dim_category child join dwh.dim_category c on child.parent_category_id = c.category_id
        where c.category_key = ${category}) as leaf`.execute(trx);
    if (!rows[0]!.leaf) {
      throw badRequest(`category ${category} has subcategories: choose one of them`, 'querystring.category');
    }
  }

  /** The rows of the filter: dates, regions by code, the category (on `categoryColumn`). */
  function where(f: SalesFilter, alias: string, categoryColumn: string | null) {
    const parts = [
      sql`${sql.ref(`${alias}.order_date_key`)} between ${dateKey(f.from)} and ${dateKey(f.to)}`,
    ];
    if (f.regions.length > 0) {
      // by key: the rollup tables carry no codes (row-level security has already cut regions down)
      parts.push(sql`${sql.ref(`${alias}.region_key`)} in (
        select region_key from bi.regions where region_code = any (${f.regions}))`);
    }
    if (f.category !== undefined && categoryColumn)
      parts.push(sql`${sql.ref(categoryColumn)} = ${f.category}`);
    return sql.join(parts, sql` and `);
  }

  /**
   * Revenue and orders per month, week or day. The rollup tables are read directly (under the same
   * row-level security as the bi views over them) and summed per day before any date arithmetic: a
   * year is ~9,000 region rows (scale 1) folded into 365 days, then into periods. `source: 'lines'`
   * does the same from the order lines, for comparison.
   */
  function seriesSql(q: SeriesQuery) {
    const daily =
      q.source === 'lines'
        ? sql`
            select a.order_date_key, coalesce(sum(a.net_amount) filter (where a.is_revenue), 0) as revenue,
                   count(distinct a.order_id) as orders,
                   count(distinct a.order_id) filter (where a.is_revenue) as revenue_orders,
                   coalesce(sum(a.quantity) filter (where a.is_revenue), 0) as units
            from dwh.fact_sales a
            ${q.category !== undefined ? sql`join bi.products p on p.product_key = a.product_key` : sql``}
            where a.deleted_at is null and ${where(q, 'a', q.category !== undefined ? 'p.category_key' : null)}
            group by a.order_date_key`
        : sql`
            select a.order_date_key, sum(a.net_revenue) as revenue, sum(a.orders) as orders,
                   sum(a.revenue_orders) as revenue_orders, sum(a.units) as units
            from ${sql.table(q.category !== undefined ? 'dwh.agg_sales_daily_category' : 'dwh.agg_sales_daily_region')} a
            where ${where(q, 'a', q.category !== undefined ? 'a.category_key' : null)}
            group by a.order_date_key`;
    // orders are additive across days (an order has one day) and, without a category, across regions
    return sql<Record<string, string>>`
      select date_trunc(${q.grain}, to_date(d.order_date_key::text, 'YYYYMMDD'))::date::text as period,
             sum(d.revenue)::numeric(16,2)::text as revenue, sum(d.orders)::int as orders,
             sum(d.revenue_orders)::int as revenue_orders, sum(d.units)::int as units
      from (${daily}) d
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
          where category_key <> 0
            and not exists (select 1 from dwh.dim_category child where child.parent_category_id = category_id)
          order by category_path`.execute(trx);
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
      const { rows } = await asUser(authUserId, async (trx) => {
        await checkLeaf(trx, q.category);
        return query.execute(trx);
      });
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
      const { rows } = await asUser(authUserId, async (trx) => {
        await checkLeaf(trx, q.category);
        return sql<Record<string, string | null>>`
          select a.order_date::text, a.order_item_id::text, a.order_id::text, a.region_code, a.category_name,
                 a.sku, a.product_name, a.manager_name, a.payment_method_name, a.order_status,
                 a.quantity::text, a.net_amount::text, a.net_revenue::text
          from bi.sales a
          where ${where(q, 'a', 'a.category_key')} ${after}
          order by a.order_date, a.order_item_id
          limit ${limit}`.execute(trx);
      });
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
