import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The Idempotency-Key header: optional, printable, at most 128 characters. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, dot, dash, colon, underscore; at most 128')
    .optional(),
});

/** A fingerprint of a request body: the same key with another body is refused (422). */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}
