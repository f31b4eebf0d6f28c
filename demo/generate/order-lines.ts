import type { SeededRandom } from '../random/seeded-random.ts';
import type { PricedLine } from './order-pricing.ts';

/** 1–8 lines, mean ≈ 3.5: most baskets are small, a few are a whole workstation. */
const LINE_COUNT_WEIGHTS = [
  [1, 20],
  [2, 18],
  [3, 16],
  [4, 14],
  [5, 12],
  [6, 9],
  [7, 6],
  [8, 5],
] as const;

const QUANTITY_WEIGHTS = [
  [1, 76],
  [2, 15],
  [3, 5],
  [4, 2],
  [5, 2],
] as const;

/** How many lines the next basket has. */
export function pickLineCount(random: SeededRandom): number {
  return random.weighted(LINE_COUNT_WEIGHTS);
}

/** How many of one product a line orders. */
export function pickQuantity(random: SeededRandom): number {
  return random.weighted(QUANTITY_WEIGHTS);
}

export interface DraftLine extends PricedLine {
  /** catalog.products id. */
  productId: number;
}

/**
 * Picks the basket: distinct products among the first `available` (those listed by the order time),
 * biased towards newer ones, each at its current shelf price.
 */
export function draftOrderLines(
  random: SeededRandom,
  available: number,
  priceOf: (productId: number) => number,
): DraftLine[] {
  const wanted = Math.min(pickLineCount(random), available);
  const lines: DraftLine[] = [];
  const chosen = new Set<number>();
  for (let attempt = 0; lines.length < wanted && attempt < wanted * 4; attempt++) {
    const productId = 1 + Math.floor(available * (1 - random.next() ** 1.5));
    if (productId > available || chosen.has(productId)) continue;
    chosen.add(productId);
    lines.push({ productId, quantity: pickQuantity(random), unitPrice: priceOf(productId) });
  }
  if (lines.length === 0) lines.push({ productId: available, quantity: 1, unitPrice: priceOf(available) });
  return lines;
}
