/** Per local business day (yyyymmdd key): rows, the sums of the measures asked for, last change. */
export interface DayTotals {
  rows: number;
  /** Exact decimal strings, in the order of the measures of the query. */
  sums: string[];
  /** Per watermark column asked for: the day's newest value (UTC, YYYY-MM-DD HH:MM:SS.ffffff). */
  changedAt: (string | null)[];
}

export type DailyTotals = Map<number, DayTotals>;
