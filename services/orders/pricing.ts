import { allocate, fromCents, toCents } from '../kit/money.ts';
import { badRequest } from '../shared/index.ts';
import type { NewOrder } from './repositories/orders-repository.ts';
import type { PriceLookup } from './upstreams.ts';

export interface DiscountRule {
  id: number;
  kind: 'percent' | 'fixed';
  value: string;
}

/**
 * An order's lines at the catalog's current prices, and its discount spread over the lines in
 * proportion to their value (so the warehouse's per-line net amounts add up to the order's total).
 * A product missing, inactive or in another currency is refused naming its place in the body.
 */
export function priceOrder(
  items: readonly { productId: number; quantity: number }[],
  lookup: PriceLookup,
  discount: DiscountRule | null,
): Omit<NewOrder, 'customerId' | 'managerId'> {
  const byId = new Map(lookup.items.map((p) => [p.id, p]));
  const currency = byId.get(items[0]!.productId)?.currency ?? 'UAH';
  const lines = items.map((item, i) => {
    const product = byId.get(item.productId);
    const field = `body.items.${i}.productId`;
    if (!product) throw badRequest(`${field}: no product ${item.productId}`, field);
    if (!product.active) throw badRequest(`${field}: product ${item.productId} is not for sale`, field);
    if (product.currency !== currency)
      throw badRequest(`${field}: all items must be priced in ${currency}`, field);
    return { productId: item.productId, quantity: item.quantity, unitCents: toCents(product.price) };
  });
  const gross = lines.map((l) => l.unitCents * l.quantity);
  const subtotal = gross.reduce((a, b) => a + b, 0);
  let discountCents = 0;
  if (discount) {
    discountCents =
      discount.kind === 'percent'
        ? Math.round((subtotal * toCents(discount.value)) / 10_000)
        : Math.min(toCents(discount.value), subtotal);
  }
  const shares = allocate(discountCents, gross);
  return {
    currency,
    discountId: discount?.id ?? null,
    subtotal: fromCents(subtotal),
    discount: fromCents(discountCents),
    total: fromCents(subtotal - discountCents),
    lines: lines.map((l, i) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: fromCents(l.unitCents),
      discount: fromCents(shares[i]!),
    })),
  };
}

/** Items naming one product twice become one line with the quantities added. */
export function mergeItems(items: readonly { productId: number; quantity: number }[]) {
  const merged = new Map<number, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}
