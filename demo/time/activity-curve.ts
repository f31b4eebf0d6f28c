import { MICROS_PER_DAY, MICROS_PER_HOUR } from './timestamps.ts';

/**
 * How busy the shop is, hour by hour, over a window of days: growth over the window, a seasonal
 * year (November's sales, December's gifts), weekends and the evening peak. `at(p)` is the inverse of
 * the cumulative activity, so drawing p in strata ((k + u) / n) gives n timestamps that rise with k —
 * ids then grow with created_at, as auto-increment keys do in a real database.
 */
export interface ActivityCurve {
  readonly startMicros: number;
  readonly endMicros: number;
  /** The moment by which a share p in [0, 1) of the window's activity has happened. */
  at(p: number): number;
}

/** Relative activity per month, January first: sales season in November, gifts in December. */
const MONTH_FACTOR = [0.85, 0.8, 0.95, 0.95, 0.95, 0.9, 0.9, 0.95, 1.0, 1.05, 1.35, 1.45];
/** Relative activity per UTC hour; Kyiv is UTC+2/+3, so the evening peak is 16–20 UTC. */
const HOUR_FACTOR = [
  0.35, 0.2, 0.12, 0.1, 0.12, 0.25, 0.5, 0.75, 0.9, 1.0, 1.0, 1.0, 1.05, 1.1, 1.15, 1.2, 1.35, 1.5, 1.55, 1.4,
  1.1, 0.85, 0.65, 0.5,
];
/** Sunday first: people shop more at the weekend. */
const WEEKDAY_FACTOR = [1.1, 0.95, 0.95, 0.95, 1.0, 1.05, 1.15];

export interface ActivityCurveOptions {
  startMicros: number;
  days: number;
  /** Activity at the end of the window relative to its start (business growth); 1 = flat. */
  growth?: number;
  /** Apply season, weekday and hour factors; false gives an even spread. */
  seasonal?: boolean;
}

export function createActivityCurve(options: ActivityCurveOptions): ActivityCurve {
  const { startMicros, days } = options;
  const growth = options.growth ?? 1;
  const seasonal = options.seasonal ?? true;
  const buckets = days * 24;
  const cumulative = new Float64Array(buckets);
  let total = 0;
  for (let i = 0; i < buckets; i++) {
    const dayIndex = Math.floor(i / 24);
    let weight = 1 + (growth - 1) * (dayIndex / Math.max(1, days - 1));
    if (seasonal) {
      const date = new Date((startMicros + dayIndex * MICROS_PER_DAY) / 1000);
      weight *= MONTH_FACTOR[date.getUTCMonth()]! * WEEKDAY_FACTOR[date.getUTCDay()]! * HOUR_FACTOR[i % 24]!;
      if (isBlackFridayWeek(date)) weight *= 1.6;
    }
    total += weight;
    cumulative[i] = total;
  }
  return {
    startMicros,
    endMicros: startMicros + days * MICROS_PER_DAY,
    at(p) {
      const target = Math.min(Math.max(p, 0), 1) * total;
      let lo = 0;
      let hi = buckets - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! <= target) lo = mid + 1;
        else hi = mid;
      }
      const before = lo === 0 ? 0 : cumulative[lo - 1]!;
      const share = (target - before) / (cumulative[lo]! - before);
      return Math.floor(startMicros + (lo + Math.min(share, 0.999999)) * MICROS_PER_HOUR);
    },
  };
}

/** Black Friday is the fourth Friday of November; the sale runs from the Monday before to the Monday after. */
function isBlackFridayWeek(date: Date): boolean {
  if (date.getUTCMonth() !== 10) return false;
  const firstWeekday = new Date(Date.UTC(date.getUTCFullYear(), 10, 1)).getUTCDay();
  const blackFriday = 1 + ((5 - firstWeekday + 7) % 7) + 21;
  const day = date.getUTCDate();
  return day >= blackFriday - 4 && day <= blackFriday + 3;
}
