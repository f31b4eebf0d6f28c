import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

/** auth's settings: the shared ones plus these, each with a `*_FILE` form. */
export const authSettings = serviceSettings.extend({
  /** Port, default 7001 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7001),
  /** The auth database, default the local MariaDB's `auth`. */
  AUTH_DB_URL: z
    .string()
    .default('mysql://techmarket:techmarket@127.0.0.1:3306/auth')
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' })),
  /** Access-token lifetime, default 900 s: short, because only a key retirement revokes one. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** Refresh-token lifetime, default 30 days. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Password-reset token lifetime, default 15 minutes. */
  RESET_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Shortest password accepted, default 10 characters. */
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(10),
  /** Failed logins in a row that lock an account, default 5. */
  LOCKOUT_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** How long a lockout lasts, default 15 minutes (a password reset ends it at once). */
  LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  /** Login and reset attempts per client address per minute, default 30. */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  /** Login and reset attempts per account (e-mail) per minute, default 10. */
  RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /**
   * Argon2id memory per hash in KiB, default 19456 (OWASP's minimum for argon2id with t=2, p=1):
   * about 25 ms a hash on these cores, which is what bounds the login rate.
   */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(19_456),
  /** Argon2id passes, default 2. */
  ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  /** Where reset links go: `database` (the outbound_messages table, default) or `smtp`. */
  RESET_CHANNEL: z.enum(['database', 'smtp']).default('database'),
  /** SMTP server for the smtp channel, e.g. smtp://user:pass@mail:587 (a secret: has a _FILE form). */
  SMTP_URL: z.string().optional(),
  /** Sender of reset messages, default no-reply@techmarket.local. */
  MAIL_FROM: z.string().default('no-reply@techmarket.local'),
});
export type AuthSettings = z.infer<typeof authSettings>;
