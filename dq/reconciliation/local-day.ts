/**
 * Source sums come per UTC bucket (MariaDB has no time-zone tables, so it cannot convert to the
 * business zone itself); each bucket lies within one local day as long as the zone's offset is a
 * multiple of the bucket size, which holds for Europe/Kyiv with hour buckets and for every zone in
 * use with 15-minute buckets.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local day key (yyyymmdd) of a bucket starting at `bucketStartMillis` (Unix epoch), and whether
 * it starts on a multiple of `bucketMinutes` in local time too (else it may straddle two local days). */
export function localDayOfBucket(
  bucketStartMillis: number,
  timeZone: string,
  bucketMinutes: number,
): { dayKey: number; aligned: boolean } {
  const parts = formatterFor(timeZone).formatToParts(new Date(bucketStartMillis));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    dayKey: Number(`${part('year')}${part('month')}${part('day')}`),
    aligned: Number(part('minute')) % bucketMinutes === 0,
  };
}

/** 20250314 → 2025-03-14 */
export const formatDayKey = (dayKey: number) =>
  dayKey === 0 ? 'unknown' : String(dayKey).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetMillis(utcMillis: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(utcMillis));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - Math.floor(utcMillis / 1000) * 1000;
}

/** The UTC instant (Unix epoch milliseconds) at which a local time (given as if UTC) occurs. */
function utcOfLocal(localAsUtcMillis: number, timeZone: string): number {
  const first = localAsUtcMillis - offsetMillis(localAsUtcMillis, timeZone);
  return localAsUtcMillis - offsetMillis(first, timeZone);
}

/** The UTC bounds [from, to) of a local business day (yyyymmdd key), in Unix epoch milliseconds. */
export function utcBoundsOfLocalDay(dayKey: number, timeZone: string): { from: number; to: number } {
  const year = Math.floor(dayKey / 10000);
  const month = Math.floor(dayKey / 100) % 100;
  const day = dayKey % 100;
  return {
    from: utcOfLocal(Date.UTC(year, month - 1, day), timeZone),
    to: utcOfLocal(Date.UTC(year, month - 1, day + 1), timeZone),
  };
}

/** UTC ranges [from, to) covering the given local days, adjacent days merged into one range. */
export function utcRangesOfLocalDays(
  dayKeys: readonly number[],
  timeZone: string,
): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (const dayKey of [...new Set(dayKeys)].filter((d) => d > 0).sort((a, b) => a - b)) {
    const bounds = utcBoundsOfLocalDay(dayKey, timeZone);
    const last = ranges.at(-1);
    if (last && last.to >= bounds.from) last.to = Math.max(last.to, bounds.to);
    else ranges.push(bounds);
  }
  return ranges;
}
