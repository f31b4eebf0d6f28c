import { z } from 'zod';

/** The error body of DESIGN.md 3.6, for the OpenAPI document of every route. */
export const errorReply = z.object({
  error: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A page of a list: `{items, nextCursor}` (DESIGN.md 3.6); nextCursor is null on the last page. */
export function listReply<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
