import { z } from 'zod';

/** yyyy-mm-dd → yyyymmdd, the warehouse's date key. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((d) => {
    const parsed = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(d);
  }, 'is not a calendar day');
const commaList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').filter(Boolean) : []));

export const GRAINS = ['month', 'week', 'day'] as const;

/** What the page filters by: dates (inclusive), regions by code, categories by key (and their children). */
const filterShape = {
  from: day,
  to: day,
  regions: commaList.pipe(
    z.array(z.string().regex(/^[A-Za-z0-9-]{1,16}$/, 'must be region codes such as UA-30')).max(100),
  ),
  categories: commaList.pipe(
    z
      .array(
        z
          .string()
          .regex(/^[1-9]\d{0,17}$/, 'must be category keys')
          .transform(Number),
      )
      .max(100),
  ),
};
export interface SalesFilter {
  from: string;
  to: string;
  regions: string[];
  categories: number[];
}

/** from ≤ to, and at most three years: the page's API never scans more than that. */
function checkRange(f: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (f.from > f.to) ctx.addIssue({ code: 'custom', message: 'must not be after to', path: ['from'] });
  else if (Date.parse(f.to) - Date.parse(f.from) > 3 * 366 * 86_400_000)
    ctx.addIssue({ code: 'custom', message: 'the range may span at most three years', path: ['to'] });
}

export const seriesQuery = z
  .strictObject({
    ...filterShape,
    grain: z.enum(GRAINS).default('month'),
    /** rollup (default): the daily rollups; lines: the order lines (for comparison and benchmarks). */
    source: z.enum(['rollup', 'lines']).default('rollup'),
  })
  .superRefine(checkRange);
export type SeriesQuery = z.infer<typeof seriesQuery>;

export const linesQuery = z
  .strictObject({
    ...filterShape,
    /** The last row of the previous page: `<order_date>,<order_item_id>`. */
    cursor: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2},\d+$/, 'must be a cursor from a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .superRefine(checkRange);
export type LinesQuery = z.infer<typeof linesQuery>;

export const seriesPoint = z.object({
  period: z.string(),
  revenue: z.string(),
  orders: z.number(),
  revenueOrders: z.number(),
  units: z.number(),
});
export type SeriesPoint = z.infer<typeof seriesPoint>;

export const salesLine = z.object({
  orderDate: z.string(),
  orderItemId: z.number(),
  orderId: z.number(),
  regionCode: z.string().nullable(),
  categoryName: z.string().nullable(),
  sku: z.string().nullable(),
  productName: z.string().nullable(),
  managerName: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  status: z.string(),
  quantity: z.number(),
  netAmount: z.string(),
  netRevenue: z.string(),
});
export type SalesLine = z.infer<typeof salesLine>;
