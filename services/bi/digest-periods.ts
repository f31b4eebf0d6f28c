/**
 * The periods of digests, on business-local calendar days (`YYYY-MM-DD`): a daily digest covers one
 * day, a weekly one an ISO week (Monday to Sunday), a monthly one a calendar month. A period is due at
 * `digestHour` local time on the day after its last day, when the daily load has brought that day in.
 * Pure: the dispatcher and the subscription routes give it the clock.
 */

export const CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

const DAY_MS = 86_400_000;
const toTime = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (time: number) => new Date(time).toISOString().slice(0, 10);
export const addDays = (day: string, days: number) => toDay(toTime(day) + days * DAY_MS);

function addMonths(day: string, months: number): string {
  const d = new Date(toTime(day));
  return toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}
const firstOfMonth = (day: string) => `${day.slice(0, 8)}01`;

/** The business-local date and hour of an instant. */
export function localClock(at: Date, timeZone: string): { day: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** The period a new subscription starts with: the one containing `today` (sent once it is over). */
export function periodContaining(cadence: Cadence, today: string): string {
  if (cadence === 'daily') return today;
  if (cadence === 'monthly') return firstOfMonth(today);
  const weekday = (new Date(toTime(today)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(today, -weekday);
}

/** The period after the one starting on `start`. */
export function nextPeriod(cadence: Cadence, start: string): string {
  if (cadence === 'daily') return addDays(start, 1);
  if (cadence === 'weekly') return addDays(start, 7);
  return addMonths(start, 1);
}

/** The period starting on `start`, first and last day. */
export function periodDays(cadence: Cadence, start: string): { from: string; to: string } {
  return { from: start, to: addDays(nextPeriod(cadence, start), -1) };
}

/**
 * For each cadence, the latest period start whose digest is due at `now`: the period must have ended
 * before the last day that is past its digest hour (yesterday once `digestHour` has struck today, else
 * the day before yesterday).
 */
export function latestDueStarts(now: Date, timeZone: string, digestHour: number): Record<Cadence, string> {
  const clock = localClock(now, timeZone);
  const lastLoadedDay = addDays(clock.day, clock.hour >= digestHour ? -1 : -2);
  return {
    daily: lastLoadedDay,
    weekly: addDays(lastLoadedDay, -6),
    monthly: addMonths(firstOfMonth(addDays(lastLoadedDay, 1)), -1),
  };
}
