import { describe, expect, it } from 'vitest';
import { autoChunkDays, ROWS_PER_PART, ROWS_TO_SPLIT, splitIntoChunks } from './planning-activities.ts';

describe('autoChunkDays sizes a backfill’s parts by the rows its window holds', () => {
  it('reads a window of few rows as one part, whatever the lanes', () => {
    expect(autoChunkDays('2025-05-17', '2025-06-15', 8, ROWS_TO_SPLIT - 1)).toBe(30);
    expect(autoChunkDays('2025-05-17', '2025-06-15', 8, 0)).toBe(30);
  });

  it('reads a window of some rows as two parts side by side, as --local reads two tables at once', () => {
    // A month at scale 1: 26 k rows → 2 parts of 15 days.
    expect(autoChunkDays('2025-05-17', '2025-06-15', 8, 25_605)).toBe(15);
    expect(splitIntoChunks('2025-05-17', '2025-06-15', 15)).toHaveLength(2);
    // One lane: one part, nothing could run beside it.
    expect(autoChunkDays('2025-05-17', '2025-06-15', 1, 25_605)).toBe(30);
  });

  it('gives one part per ROWS_PER_PART rows, at most two per lane', () => {
    // A year at scale 1: 316 k rows → 4 parts of 92 days (the last shorter).
    const days = autoChunkDays('2024-06-16', '2025-06-15', 8, 315_682);
    expect(days).toBe(92);
    expect(splitIntoChunks('2024-06-16', '2025-06-15', days)).toHaveLength(4);
    // Ten times the rows: capped at two parts per lane.
    expect(autoChunkDays('2024-06-16', '2025-06-15', 4, 100 * ROWS_PER_PART)).toBe(46);
    expect(autoChunkDays('2025-06-15', '2025-06-15', 4, 100 * ROWS_PER_PART)).toBe(1);
  });
});
