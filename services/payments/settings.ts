import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

/** payments' settings: the shared ones plus these, each with a `*_FILE` form. */
export const paymentsSettings = serviceSettings.extend({
  /** Port, default 7004 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7004),
  /** The payments database, default the local MariaDB's `payments`. */
  PAYMENTS_DB_URL: z
    .string()
    .default('mysql://techmarket:techmarket@127.0.0.1:3306/payments')
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' })),
  /** The payment provider, default the PSP simulator at http://127.0.0.1:7090. */
  PSP_URL: z.string().default('http://127.0.0.1:7090').pipe(z.url()),
  /** How long one PSP call may take, default 5000 ms (then 503: nothing is recorded). */
  PSP_TIMEOUT_MS: z.coerce.number().int().min(10).default(5000),
  /** The secret PSP webhooks are signed with; default a development value: set it in production. */
  PSP_WEBHOOK_SECRET: z.string().min(16).default('development-webhook-secret'),
  /** Oldest webhook timestamp accepted, default 300 s (a replayed old webhook is refused). */
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** The key orders must show (`x-service-key`); default a development value: set it in production. */
  PAYMENTS_SERVICE_KEY: z.string().min(16).default('development-service-key'),
});
export type PaymentsSettings = z.infer<typeof paymentsSettings>;
