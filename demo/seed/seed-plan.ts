import { dayStartMicros, MICROS_PER_DAY } from '../time/timestamps.ts';

/** Orders span this many days before the anchor. */
export const ORDER_WINDOW_DAYS = 730;

/** What scale 1 means. Regions, staff, categories and discount codes do not scale. */
export const SCALE_ONE = { customers: 10_000, orders: 100_000, products: 2_000 } as const;

export interface SeedOptions {
  /** 1 ≈ 10,000 customers and 100,000 orders; fractions give small data sets for tests. */
  scale: number;
  /** Any text; the same seed and anchor give byte-identical data. */
  seed: string;
  /** YYYY-MM-DD; every generated timestamp lies before 00:00 UTC of this day. */
  anchorDay: string;
}

export interface SeedPlan extends SeedOptions {
  anchorMicros: number;
  windowStartMicros: number;
  customers: number;
  orders: number;
  products: number;
  /** A rough row total for the progress bar. */
  estimatedRows: number;
}

export function planSeed(options: SeedOptions): SeedPlan {
  const anchorMicros = dayStartMicros(options.anchorDay);
  const customers = Math.max(10, Math.round(SCALE_ONE.customers * options.scale));
  const orders = Math.max(10, Math.round(SCALE_ONE.orders * options.scale));
  // A catalogue grows slower than its sales: square root of the scale.
  const products = Math.max(60, Math.round(SCALE_ONE.products * Math.sqrt(options.scale)));
  return {
    ...options,
    anchorMicros,
    windowStartMicros: anchorMicros - ORDER_WINDOW_DAYS * MICROS_PER_DAY,
    customers,
    orders,
    products,
    estimatedRows: Math.round(customers * 3.4 + orders * 6.1 + products),
  };
}
