/**
 * Discount codes: a few always valid, the rest campaigns with a window given in days before the
 * anchor day (so they move with it). Percent codes take their share of every line; fixed codes are
 * spread over the lines in proportion to their value.
 */
export interface DiscountCodeReference {
  code: string;
  kind: 'percent' | 'fixed';
  /** Percent (5 = 5%) or hryvnias. */
  value: number;
  /** Campaign window in days before the anchor; absent = always valid. */
  window?: { fromDaysAgo: number; toDaysAgo: number };
  /** Some campaigns were switched off afterwards. */
  active?: boolean;
}

export const DISCOUNT_CODES: readonly DiscountCodeReference[] = [
  { code: 'WELCOME10', kind: 'percent', value: 10 },
  { code: 'STUDENT7', kind: 'percent', value: 7 },
  { code: 'LOYAL5', kind: 'percent', value: 5 },
  { code: 'MINUS200', kind: 'fixed', value: 200 },
  { code: 'MINUS500', kind: 'fixed', value: 500 },
  { code: 'BLACKFRIDAY-Y1', kind: 'percent', value: 20, window: { fromDaysAgo: 700, toDaysAgo: 600 } },
  { code: 'NEWYEAR-Y1', kind: 'percent', value: 12, window: { fromDaysAgo: 600, toDaysAgo: 560 } },
  {
    code: 'SPRING-Y1',
    kind: 'fixed',
    value: 300,
    window: { fromDaysAgo: 560, toDaysAgo: 480 },
    active: false,
  },
  { code: 'BACK2SCHOOL-Y1', kind: 'percent', value: 8, window: { fromDaysAgo: 480, toDaysAgo: 420 } },
  { code: 'BLACKFRIDAY-Y2', kind: 'percent', value: 25, window: { fromDaysAgo: 380, toDaysAgo: 330 } },
  { code: 'NEWYEAR-Y2', kind: 'fixed', value: 1000, window: { fromDaysAgo: 330, toDaysAgo: 300 } },
  { code: 'SPRING-Y2', kind: 'percent', value: 10, window: { fromDaysAgo: 250, toDaysAgo: 190 } },
  { code: 'GAMER15', kind: 'percent', value: 15, window: { fromDaysAgo: 180, toDaysAgo: 120 } },
  { code: 'AUTUMN-Y2', kind: 'fixed', value: 400, window: { fromDaysAgo: 90, toDaysAgo: 30 } },
  { code: 'FLASH30', kind: 'percent', value: 30, window: { fromDaysAgo: 20, toDaysAgo: 13 }, active: false },
];
