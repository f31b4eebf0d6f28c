import type { SeededRandom } from '../random/seeded-random.ts';
import { createRandom } from '../random/seeded-random.ts';
import type { ProductTemplate } from '../reference/catalog-tree.ts';
import type { RegionReference } from '../reference/regions.ts';
import type { SeedPlan } from '../seed/seed-plan.ts';

/**
 * What later generators need from earlier ones, kept compactly in memory (typed arrays for the large
 * entities: a million orders look up customers and products by index, not through objects).
 */
export interface SeedWorld {
  plan: SeedPlan;
  /** A separate random stream per entity kind (see seeded-random.ts). */
  random(stream: string): SeededRandom;
  regions: (RegionReference & { id: number })[];
  /** Employee ids of each region's sales managers, by region id. */
  managersByRegion: Map<number, number[]>;
  employees: { id: number; fullName: string; email: string; createdMicros: number }[];
  leafCategories: { id: number; template: ProductTemplate }[];
  products: { priceKopecks: Int32Array; createdMicros: Float64Array };
  discounts: DiscountInWorld[];
  customers: CustomersInWorld;
  /** auth.users ids of customers are this offset plus the customer id. */
  customerUserIdOffset: number;
}

export interface DiscountInWorld {
  id: number;
  kind: 'percent' | 'fixed';
  /** Percent, or kopecks for fixed codes. */
  amount: number;
  validFromMicros: number | null;
  validToMicros: number | null;
}

export interface CustomersInWorld {
  createdMicros: Float64Array;
  managerId: Int32Array;
  email: string[];
  phone: (string | null)[];
}

export function createSeedWorld(plan: SeedPlan): SeedWorld {
  return {
    plan,
    random: (stream) => createRandom(plan.seed, stream),
    regions: [],
    managersByRegion: new Map(),
    employees: [],
    leafCategories: [],
    products: { priceKopecks: new Int32Array(0), createdMicros: new Float64Array(0) },
    discounts: [],
    customers: { createdMicros: new Float64Array(0), managerId: new Int32Array(0), email: [], phone: [] },
    customerUserIdOffset: 0,
  };
}

/** How many of the ascending `values` are below `limit` (binary search). */
export function countBelow(values: Float64Array, limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
