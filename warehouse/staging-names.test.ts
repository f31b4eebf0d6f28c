import { describe, expect, it } from 'vitest';
import { batchName, batchTable, mirrorName, mirrorTable, runBatchesPattern } from './staging-names.ts';

describe('staging names', () => {
  it('names mirrors and batches from one scheme', () => {
    expect(mirrorName('orders', 'order_items')).toBe('orders__order_items');
    expect(batchName('orders', 'order_items', 7)).toBe('orders__order_items__r7');
    expect(mirrorTable('orders', 'order_items')).toBe('stg."orders__order_items"');
    expect(batchTable('orders', 'order_items', 7)).toBe('stg."orders__order_items__r7"');
  });

  it("matches one run's batches and nothing that merely looks like one", () => {
    const pattern = new RegExp(runBatchesPattern(5));
    expect(pattern.test(batchName('orders', 'order_items', 5))).toBe(true);
    for (const other of ['orders__order_items__r55', 'orders__order_items', 'myxr5', 'orders__orders_r5']) {
      expect(pattern.test(other)).toBe(false);
    }
  });
});
