import { describe, expect, it } from 'vitest';
import { priceOrder } from './pricing.ts';

const lookup = {
  items: [
    { id: 1, sku: 'A', price: '100.00', currency: 'UAH', active: true },
    { id: 2, sku: 'B', price: '33.33', currency: 'UAH', active: true },
    { id: 3, sku: 'C', price: '5.00', currency: 'UAH', active: false },
  ],
  missing: [9],
};

describe('priceOrder', () => {
  it('spreads a percent discount over the lines to the cent', () => {
    const priced = priceOrder(
      [
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 3 },
      ],
      lookup,
      { id: 7, kind: 'percent', value: '10.00' },
    );
    expect(priced).toMatchObject({ subtotal: '299.99', discount: '30.00', total: '269.99', discountId: 7 });
    const lineDiscounts = priced.lines.map((l) => Number(l.discount) * 100);
    expect(lineDiscounts.reduce((a, b) => a + b, 0)).toBeCloseTo(3000);
  });

  it('caps a fixed discount at the subtotal and names a bad item', () => {
    expect(
      priceOrder([{ productId: 2, quantity: 1 }], lookup, { id: 1, kind: 'fixed', value: '50.00' }).total,
    ).toBe('0.00');
    expect(() =>
      priceOrder(
        [
          { productId: 1, quantity: 1 },
          { productId: 9, quantity: 1 },
        ],
        lookup,
        null,
      ),
    ).toThrow(/body\.items\.1\.productId/);
    expect(() => priceOrder([{ productId: 3, quantity: 1 }], lookup, null)).toThrow(/not for sale/);
  });
});
