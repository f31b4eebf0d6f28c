import { z } from 'zod';

export const customersSchema = z
  .string({ error: 'is required (e.g. --customers 20)' })
  .regex(/^\d+$/, 'must be a whole number such as 20')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'));

export const minutesSchema = z
  .string({ error: 'is required (e.g. --minutes 5)' })
  .regex(/^\d+(\.\d+)?$/, 'must be a number of minutes such as 5 or 0.5')
  .transform(Number)
  .pipe(z.number().positive('must be above 0').max(1440, 'must be at most 1440'));

// Loopback only: the driver writes orders and must never reach a shared or remote shop.
export const baseUrlSchema = z
  .url()
  .refine((u) => ['127.0.0.1', 'localhost'].includes(new URL(u).hostname), 'must be on 127.0.0.1')
  .optional();
