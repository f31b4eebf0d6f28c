import { z } from 'zod';
import { CADENCES } from './digest-periods.ts';

/** What a user subscribes to: a cadence and the page's filters (regions by code, one leaf category). */
export const createSubscriptionBody = z.strictObject({
  cadence: z.enum(CADENCES),
  /** Region codes; empty or absent: every region the user may see. */
  regions: z
    .array(z.string().regex(/^[A-Za-z0-9-]{1,16}$/, 'must be region codes such as UA-30'))
    .max(100)
    .default([]),
  /** A leaf category's key, as /api/filters lists them; absent: all categories. */
  category: z.number().int().positive().optional(),
});
export type CreateSubscriptionBody = z.infer<typeof createSubscriptionBody>;

export const subscriptionParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'must be a subscription id')
    .transform(Number),
});

export const subscription = z.object({
  id: z.number(),
  cadence: z.enum(CADENCES),
  regions: z.array(z.string()),
  category: z.number().nullable(),
  /** Where the digests go: the account's e-mail at auth when it subscribed. */
  email: z.string(),
  /** The next period to be sent (business-local days, inclusive). */
  nextPeriod: z.object({ from: z.string(), to: z.string() }),
  createdAt: z.string(),
  lastSentAt: z.string().nullable(),
});
export type Subscription = z.infer<typeof subscription>;
