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
