import { describe, expect, it } from 'vitest';
import { autoChunkDays, ROWS_PER_PART, splitIntoChunks } from './planning-activities.ts';

describe('autoChunkDays sizes a backfill’s parts by the rows its window holds', () => {
  it('reads a small window as one part, whatever the lanes', () => {
    expect(autoChunkDays('2025-05-17', '2025-06-15', 8, 25_605)).toBe(30);
    expect(autoChunkDays('2025-05-17', '2025-06-15', 8, 0)).toBe(30);
  });

  it('gives one part per ROWS_PER_PART rows, at most one per lane', () => {
    // A year at scale 1 (316 k rows) is one part; at scale 10 (3.16 M), 4 parts of 92 days (the last shorter).
    expect(autoChunkDays('2024-06-16', '2025-06-15', 8, 315_682)).toBe(365);
    const days = autoChunkDays('2024-06-16', '2025-06-15', 8, 3_156_079);
    expect(days).toBe(92);
    expect(splitIntoChunks('2024-06-16', '2025-06-15', days)).toHaveLength(4);
    // A hundred times the rows: capped at one part per lane.
    expect(autoChunkDays('2024-06-16', '2025-06-15', 4, 100 * ROWS_PER_PART)).toBe(92);
    expect(autoChunkDays('2025-06-15', '2025-06-15', 4, 100 * ROWS_PER_PART)).toBe(1);
  });

  it('keeps the tables read at once within the lanes when each part reads several side by side', () => {
    // Four lanes, two tables at once per part: two parts of a year at scale 10 (four reads at once).
    const days = autoChunkDays('2024-06-16', '2025-06-15', 4, 3_156_079, 2);
    expect(days).toBe(183);
    expect(splitIntoChunks('2024-06-16', '2025-06-15', days)).toHaveLength(2);
    // Fewer lanes than tables at once: still one part.
    expect(autoChunkDays('2024-06-16', '2025-06-15', 1, 3_156_079, 2)).toBe(365);
  });
});
