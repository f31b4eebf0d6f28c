import { z } from 'zod';
import { currentUtcDay } from './time/timestamps.ts';

/**
 * Validation of the generator's options, shared by the CLI flags and the benchmark. Messages are
 * completed by the caller with the option's name ("--scale must be …").
 */
export const scaleSchema = z
  .string({ error: 'is required (e.g. --scale 1)' })
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number such as 1 or 0.05')
  .transform(Number)
  .pipe(z.number().min(0.001, 'must be at least 0.001').max(100, 'must be at most 100'));

/** Any short word; numbers are words too. */
export const seedSchema = z
  .string()
  .regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
  .default('1');

const isCalendarDay = (day: string) => {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
};

/** A real calendar day as YYYY-MM-DD (2026-13-01 and 2025-02-30 are refused, each by name). */
export const calendarDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine(isCalendarDay, 'is not a calendar day');

/**
 * A real calendar day, not in the future. Seeded rows carry timestamps up to the anchor; a future
 * anchor would put updated_at ahead of the clock, and the ETL's watermark past every later change.
 */
export const anchorDaySchema = calendarDaySchema.refine(
  (day) => day <= currentUtcDay(),
  'must not be in the future',
);

/** Simulated business days per run. */
export const daysSchema = z
  .string({ error: 'is required (e.g. --days 1)' })
  .regex(/^\d+$/, 'must be a whole number of days such as 1 or 30')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(3650, 'must be at most 3650'));
