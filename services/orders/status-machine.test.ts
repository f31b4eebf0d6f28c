import { describe, expect, it } from 'vitest';
import { canMove } from './status-machine.ts';

describe('order status machine', () => {
  it('allows the shop flow and refuses going back or leaving a final status', () => {
    expect(canMove('pending_payment', 'paid')).toBe(true);
    expect(canMove('paid', 'shipped')).toBe(true);
    expect(canMove('shipped', 'delivered')).toBe(true);
    expect(canMove('delivered', 'refunded')).toBe(true);
    expect(canMove('pending_payment', 'shipped')).toBe(false);
    expect(canMove('paid', 'pending_payment')).toBe(false);
    expect(canMove('refunded', 'paid')).toBe(false);
    expect(canMove('cancelled', 'paid')).toBe(false);
  });
});
