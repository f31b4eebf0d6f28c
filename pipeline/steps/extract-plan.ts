import type { KeysetCursor } from '../../connectors/index.ts';
import type { Watermark } from '../../warehouse/index.ts';
import type { SourceTable } from '../source-tables.ts';

/**
 * What one extract reads, decided from the request, the table's configuration and the watermark
 * before any I/O: the pure half of an extract (extract-table.ts and extract-window-part.ts are the
 * I/O that carries a plan out). A backfill part is a backfill of its slice of the window.
 */
export interface ExtractPlan {
  /** `full`: walk the primary key; `incremental`: walk (updated_at, id) from `since`. */
  mode: 'full' | 'incremental';
  /** First updated_at read (inclusive): the watermark minus the lookback window, or the window's start. */
  since: string | undefined;
  /**
   * Last updated_at read (inclusive), when already fixed: a backfill's window end, or the bound an
   * earlier attempt of this run kept (a resumed extract covers exactly what the first would have).
   * Undefined: read the source's clock minus the safety lag.
   */
  upperBound: string | undefined;
  /** A full read into an empty mirror is a first load (the batch becomes the mirror): ask the mirror. */
  firstLoadIfMirrorEmpty: boolean;
  /** Read the source's key ranges beside the extract, for the transform's hard-delete detection. */
  readSourceKeys: boolean;
  /** The watermark moves to the highest row read (incremental runs only; backfills leave it). */
  advancesWatermark: boolean;
}

export interface ExtractPlanInput {
  table: Pick<SourceTable, 'lookbackSeconds' | 'detectHardDeletes'>;
  kind: 'incremental' | 'backfill';
  /** backfill: the window of updated_at to read again, both ends inclusive. */
  windowFrom?: string | undefined;
  windowTo?: string | undefined;
  watermark: Watermark | null;
  /** The upper bound an earlier attempt of this run's extract fixed (its step's detail). */
  earlierUpperBound?: string | undefined;
}

/** Subtracts seconds from a 'YYYY-MM-DD HH:MM:SS.ffffff' UTC timestamp, keeping the microseconds. */
export function minusSeconds(timestamp: string, seconds: number): string {
  const [whole, fraction = '000000'] = timestamp.split('.');
  const shifted = new Date(Date.parse(`${whole!.replace(' ', 'T')}Z`) - seconds * 1000);
  return `${shifted.toISOString().slice(0, 19).replace('T', ' ')}.${fraction.padEnd(6, '0')}`;
}

export function planExtract(input: ExtractPlanInput): ExtractPlan {
  const incremental = input.kind === 'incremental';
  let mode: ExtractPlan['mode'];
  let since: string | undefined;
  let upperBound = input.earlierUpperBound;
  if (input.kind === 'backfill') {
    mode = 'incremental';
    since = input.windowFrom;
    upperBound ??= input.windowTo;
  } else if (input.watermark) {
    mode = 'incremental';
    since = minusSeconds(input.watermark.updatedAt, input.table.lookbackSeconds);
  } else {
    mode = 'full';
  }
  return {
    mode,
    since,
    upperBound,
    firstLoadIfMirrorEmpty: mode === 'full' && incremental,
    readSourceKeys: input.table.detectHardDeletes && incremental && mode === 'incremental',
    advancesWatermark: incremental,
  };
}

/** Where the watermark stands after the extract: the highest row read, when the plan moves it and rows came. */
export function watermarkAfter(
  plan: Pick<ExtractPlan, 'advancesWatermark'>,
  before: Watermark | null,
  highest: KeysetCursor | undefined,
): Watermark | null {
  return plan.advancesWatermark && highest ? { updatedAt: highest.updatedAt, id: highest.id } : before;
}
