import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

/** The sales-dynamics page's settings (services/shared/config.ts has the ones every service shares). */
export const biSettings = serviceSettings.extend({
  /** Port, default 7006 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7006),
  /**
   * The warehouse, as a login that is a member of bi_page (warehouse migration 013 makes the
   * migrating role one), default the local warehouse's.
   */
  BI_DWH_URL: z
    .string()
    .default('postgres://techmarket:techmarket@127.0.0.1:5432/dwh')
    .pipe(z.url().startsWith('postgres', 'must be a postgres:// URL')),
  /** Where the page's login form posts {email, password}, default auth through the gateway. */
  AUTH_LOGIN_URL: z.string().min(1).default('/api/auth/login'),
  /** Most order lines one CSV export holds, default 100000. */
  CSV_MAX_LINES: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
});
export type BiSettings = z.infer<typeof biSettings>;
