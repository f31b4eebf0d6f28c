import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

/** The PSP simulator's settings: the shared ones plus these, each with a `*_FILE` form. */
export const pspSettings = serviceSettings.extend({
  /** Port, default 7090 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7090),
  /**
   * Where webhooks go, default payments' http://127.0.0.1:7004/webhooks/psp; `off` sends none. (Not
   * empty: the settings loader reads an empty variable as unset, which meant the default port.)
   */
  PSP_WEBHOOK_URL: z
    .string()
    .default('http://127.0.0.1:7004/webhooks/psp')
    .pipe(
      z.union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http:// URL or off' })]),
    ),
  /** The secret webhooks are signed with (HMAC-SHA256); default a development value. */
  PSP_WEBHOOK_SECRET: z.string().min(16).default('development-webhook-secret'),
  /** How long the timeout test cards keep an answer waiting (past the caller's timeout), default 30000 ms. */
  PSP_TIMEOUT_CARD_DELAY_MS: z.coerce.number().int().min(0).default(30_000),
});
export type PspSettings = z.infer<typeof pspSettings>;
