import { describe, expect, it } from 'vitest';
import type { BiDigestData } from '../kit/events.ts';
import { biDigestMail } from './bi-digest-mail.ts';

const digest: BiDigestData = {
  subscriptionId: 7,
  userId: 42,
  email: 'kyiv.manager@techmarket.ua',
  cadence: 'weekly',
  period: { from: '2026-11-16', to: '2026-11-22' },
  regions: [{ code: 'UA-30', name: 'Київ' }],
  category: null,
  currency: 'UAH',
  totals: { revenue: '1234.50', orders: 3, units: 5 },
  days: [
    { day: '2026-11-16', revenue: '1000.00', orders: 2 },
    { day: '2026-11-18', revenue: '234.50', orders: 1 },
  ],
};

describe('the e-mail of a BI digest', () => {
  it('puts the totals on lines of their own, then one line per day with sales', () => {
    const mail = biDigestMail(digest);
    expect(mail.to).toBe('kyiv.manager@techmarket.ua');
    expect(mail.subject).toBe('Sales digest 2026-11-16 – 2026-11-22: 1234.50 UAH');
    const lines = mail.text.split('\n');
    expect(lines).toContain('Regions: UA-30 Київ');
    expect(lines).toContain('Category: all categories');
    expect(lines).toContain('Revenue: 1234.50 UAH');
    expect(lines).toContain('Orders: 3');
    expect(lines).toContain('2026-11-18: 234.50 UAH, 1 orders');
    expect(mail.text).toContain('DELETE /api/bi/subscriptions/7');
  });

  it('leaves out the days of a daily digest, and says when no region is visible any more', () => {
    const mail = biDigestMail({
      ...digest,
      cadence: 'daily',
      period: { from: '2026-11-16', to: '2026-11-16' },
      regions: [],
    });
    expect(mail.subject).toBe('Sales digest 2026-11-16: 1234.50 UAH');
    expect(mail.text).not.toContain('By day');
    expect(mail.text).toContain('Regions: none');
  });
});
