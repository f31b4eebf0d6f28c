import { allocateProportionally, percentOf } from '../money.ts';

export interface PricedLine {
  quantity: number;
  /** Kopecks. */
  unitPrice: number;
}

export interface OrderDiscount {
  kind: 'percent' | 'fixed';
  /** Percent, or kopecks for a fixed code. */
  amount: number;
}

export interface OrderPrice {
  /** Discount of each line, kopecks, in line order. */
  lineDiscounts: number[];
  subtotal: number;
  discount: number;
  total: number;
}

/**
 * The order's money, all in kopecks: discounts live on the lines (order_items.discount_amount) and
 * the order's discount is their sum, so subtotal − discount = total holds to the kopeck.
 */
export function priceOrder(lines: readonly PricedLine[], discount: OrderDiscount | null): OrderPrice {
  const gross = lines.map((line) => line.quantity * line.unitPrice);
  const subtotal = gross.reduce((sum, value) => sum + value, 0);
  let lineDiscounts: number[];
  if (discount === null) lineDiscounts = gross.map(() => 0);
  else if (discount.kind === 'percent')
    lineDiscounts = gross.map((value) => percentOf(value, discount.amount));
  else lineDiscounts = allocateProportionally(discount.amount, gross);
  const total = lineDiscounts.reduce((sum, value) => sum + value, 0);
  return { lineDiscounts, subtotal, discount: total, total: subtotal - total };
}

/** A fixed code applies only to baskets worth at least this many times its value. */
export const FIXED_DISCOUNT_MIN_BASKET_MULTIPLE = 4;
