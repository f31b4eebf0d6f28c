import { z } from 'zod';
import { BI_DIGEST_TOPIC } from '../kit/events.ts';
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
  /** Longest a request's query may run, default 10000 ms (then 503: narrow the range). */
  QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Most order lines one CSV export holds, default 100000. */
  CSV_MAX_LINES: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  /** auth, asked for a subscriber's own e-mail (`/me`), default http://127.0.0.1:7001. */
  AUTH_URL: z.string().default('http://127.0.0.1:7001').pipe(z.url()),
  /** Kafka brokers the digests go out through, default 127.0.0.1:9092. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** The topic of digests (notifications reads it), default techmarket.bi.digests. */
  BI_DIGEST_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash, underscore')
    .default(BI_DIGEST_TOPIC),
  /** IANA zone of the business day (the warehouse's date keys), default Europe/Kyiv. */
  BUSINESS_TZ: z
    .string()
    .default('Europe/Kyiv')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Kyiv'),
  /**
   * Local hour after a period's end when its digest is due, default 7: after the daily ETL (02:00 by
   * default) has loaded the period's last day.
   */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  /** How often the dispatcher looks for due digests, default 60000 ms; 0 turns it off (tests call it). */
  DIGEST_POLL_MS: z.coerce.number().int().min(0).default(60_000),
});
export type BiSettings = z.infer<typeof biSettings>;
