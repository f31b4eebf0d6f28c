import type pg from 'pg';

/** The four rollups, each with the grouping key beyond day and region. */
export const ROLLUPS = [
  { table: 'dwh.agg_sales_daily_region', key: null },
  { table: 'dwh.agg_sales_daily_category', key: 'category_key' },
  { table: 'dwh.agg_sales_daily_manager', key: 'employee_key' },
  { table: 'dwh.agg_sales_daily_payment_method', key: 'payment_method_key' },
] as const;

/**
 * A full aggregation of fact_sales for one rollup, written independently of the pipeline's model:
 * straight from the order lines with count(distinct), no per-order staging.
 */
export function fullAggregation(key: string | null): string {
  const extra = key === 'category_key' ? 'coalesce(c.category_key, 0)' : key ? `f.${key}` : null;
  const group = ['f.order_date_key', 'f.region_key', ...(extra ? [extra] : [])];
  return `
    select ${group.map((g, i) => `${g} as k${i}`).join(', ')},
      count(distinct f.order_id)::int as orders,
      count(*)::int as order_lines,
      count(distinct f.order_id) filter (where f.is_revenue)::int as revenue_orders,
      coalesce(sum(f.quantity) filter (where f.is_revenue), 0)::bigint as units,
      coalesce(sum(f.gross_amount) filter (where f.is_revenue), 0)::numeric(16,2) as gross_revenue,
      coalesce(sum(f.discount_amount) filter (where f.is_revenue), 0)::numeric(16,2) as discount_amount,
      coalesce(sum(f.net_amount) filter (where f.is_revenue), 0)::numeric(16,2) as net_revenue,
      count(distinct f.order_id) filter (where f.order_status = 'refunded')::int as refunded_orders,
      coalesce(sum(f.net_amount) filter (where f.order_status = 'refunded'), 0)::numeric(16,2) as refunded_amount
    from dwh.fact_sales f
    left join dwh.dim_product p on p.product_key = f.product_key
    left join dwh.dim_category c on c.category_id = p.category_id
    where f.deleted_at is null
    group by ${group.join(', ')}`;
}

function rollupRows(table: string, key: string | null): string {
  return `
    select order_date_key as k0, region_key as k1${key ? `, ${key} as k2` : ''},
      orders, order_lines, revenue_orders, units, gross_revenue, discount_amount, net_revenue,
      refunded_orders, refunded_amount
    from ${table}`;
}

export interface RollupDifference {
  table: string;
  rows: number;
  missingOrWrong: Record<string, unknown>[];
  extra: Record<string, unknown>[];
  fullRows: number;
}

/** Each rollup against a full aggregation of the fact: the rows in one and not the other, both ways. */
export async function rollupDifferences(db: pg.Pool | pg.ClientBase): Promise<RollupDifference[]> {
  const out: RollupDifference[] = [];
  for (const { table, key } of ROLLUPS) {
    const full = fullAggregation(key);
    const rolled = rollupRows(table, key);
    const { rows: missingOrWrong } = await db.query(`(${full}) except all (${rolled}) order by 1, 2 limit 5`);
    const { rows: extra } = await db.query(`(${rolled}) except all (${full}) order by 1, 2 limit 5`);
    const { rows: counts } = await db.query<{ rolled: number; full: number }>(
      `select (select count(*)::int from ${table}) as rolled, (select count(*)::int from (${full}) f) as full`,
    );
    out.push({ table, rows: counts[0]!.rolled, fullRows: counts[0]!.full, missingOrWrong, extra });
  }
  return out;
}
