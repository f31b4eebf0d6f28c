/**
 * Generated time is kept as integer microseconds since the Unix epoch (UTC): exact in a double for
 * centuries, and it maps one-to-one onto DATETIME(6), so formatting loses nothing.
 */
export const MICROS_PER_MILLISECOND = 1_000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** The start (00:00 UTC) of a YYYY-MM-DD day, in microseconds. */
export function dayStartMicros(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`) * 1000;
}

/** Today's UTC day as YYYY-MM-DD: the default anchor. Read once by the CLI, never inside generation. */
export function currentUtcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

const dayCache = new Map<number, string>();

function dayText(dayNumber: number): string {
  let text = dayCache.get(dayNumber);
  if (text === undefined) {
    text = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
    dayCache.set(dayNumber, text);
  }
  return text;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Formats microseconds as a DATETIME(6) literal, 'YYYY-MM-DD HH:MM:SS.ffffff'; hot path of the writer. */
export function formatDatetime(micros: number): string {
  const dayNumber = Math.floor(micros / MICROS_PER_DAY);
  let rest = micros - dayNumber * MICROS_PER_DAY;
  const hours = Math.floor(rest / MICROS_PER_HOUR);
  rest -= hours * MICROS_PER_HOUR;
  const minutes = Math.floor(rest / MICROS_PER_MINUTE);
  rest -= minutes * MICROS_PER_MINUTE;
  const seconds = Math.floor(rest / MICROS_PER_SECOND);
  const fraction = rest - seconds * MICROS_PER_SECOND;
  return `${dayText(dayNumber)} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${String(fraction).padStart(6, '0')}`;
}
