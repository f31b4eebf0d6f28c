import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Every setting of the platform, read from the environment and validated once at start-up.
 * Defaults point at the local infrastructure that `techmarket infra up` brings up on 127.0.0.1.
 * Every setting also has a `*_FILE` form whose file contents are the value (Docker/Kubernetes secrets).
 */
const mysqlUrl = (database: string) =>
  z
    .string()
    .default(`mysql://techmarket:techmarket@127.0.0.1:3306/${database}`)
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' }));

const configSchema = z.object({
  /** Warehouse, default postgres://techmarket:techmarket@127.0.0.1:5432/dwh */
  DWH_URL: z
    .string()
    .default('postgres://techmarket:techmarket@127.0.0.1:5432/dwh')
    .pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })),
  /** Source databases, written by the services; default the local MariaDB with the owner account. */
  AUTH_DB_URL: mysqlUrl('auth'),
  ORDERS_DB_URL: mysqlUrl('orders'),
  CATALOG_DB_URL: mysqlUrl('catalog'),
  PAYMENTS_DB_URL: mysqlUrl('payments'),
  NOTIFICATIONS_DB_URL: mysqlUrl('notifications'),
  /** The ETL's own read-only account on every source, default etl_reader / etl_reader. */
  ETL_SOURCE_USER: z.string().min(1).default('etl_reader'),
  ETL_SOURCE_PASSWORD: z.string().default('etl_reader'),
  /** Temporal frontend, default 127.0.0.1:7233, namespace default. */
  TEMPORAL_ADDRESS: z
    .string()
    .default('127.0.0.1:7233')
    .pipe(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Kafka bootstrap servers, comma-separated host:port, default 127.0.0.1:9092. */
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .pipe(z.string().regex(/^[^:\s,]+:\d+(,[^:\s,]+:\d+)*$/, 'must be host:port[,host:port…]')),
  /** Kafka Connect REST endpoint, default http://127.0.0.1:8083. */
  KAFKA_CONNECT_URL: z.string().default('http://127.0.0.1:8083').pipe(z.url()),
  /** The business time zone: date keys in the warehouse are local dates here. Default Europe/Kyiv. */
  BUSINESS_TZ: z
    .string()
    .default('Europe/Kyiv')
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Kyiv'),
  /**
   * Source tables a run extracts at once, default 2. Since the extract copies MySQL's row bytes into
   * COPY text without making JavaScript values, the Node thread is no longer the bottleneck: two at
   * once on a 2-core machine took a scale-10 first load's extract from 8.1 s to 6.6 s.
   */
  ETL_EXTRACT_PARALLELISM: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * Where a `--local` run pushes its figures (Prometheus Pushgateway), default http://127.0.0.1:9091;
   * `off` turns the push off.
   */
  PUSHGATEWAY_URL: z
    .string()
    .default('http://127.0.0.1:9091')
    .pipe(z.union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http:// URL' })])),
  /** The log store (OpenSearch), default http://127.0.0.1:9200; `off` keeps logs on stderr only. */
  LOG_STORE_URL: z
    .string()
    .default('http://127.0.0.1:9200')
    .pipe(z.union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http:// URL' })])),
  /** Prefix of the log store's daily indices, default techmarket-logs (tests use one of their own). */
  LOG_STORE_INDEX: z
    .string()
    .default('techmarket-logs')
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/, 'must be lower-case letters, digits and "-"')),
  /**
   * Toxiproxy's API (the fault suite's network faults, docs/decisions/0019-toxiproxy.md), default
   * http://127.0.0.1:8474.
   */
  TOXIPROXY_URL: z
    .string()
    .default('http://127.0.0.1:8474')
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// URL' })),
  /** Log level, default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;
/** The five source databases, one per service; the type follows the list. */
export const SOURCE_DATABASES = ['auth', 'orders', 'catalog', 'payments', 'notifications'] as const;
export type SourceDatabase = (typeof SOURCE_DATABASES)[number];

const SETTING_NAMES = Object.keys(configSchema.shape) as (keyof Config)[];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Resolves `NAME_FILE` into `NAME`; both set at once is ambiguous and refused. */
function resolveFileSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const name of SETTING_NAMES) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    if (path !== undefined && path !== '') {
      if (env[name] !== undefined) {
        throw new ConfigError(`${name} and ${fileVar} are both set: set only one of them`);
      }
      try {
        resolved[name] = readFileSync(path, 'utf8').trim();
      } catch (error) {
        throw new ConfigError(`${fileVar}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
      }
    } else {
      const value = env[name];
      resolved[name] = value === '' ? undefined : value;
    }
  }
  return resolved;
}

/** Reads and validates the configuration; the error names the first bad variable in one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(resolveFileSettings(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`${name} is invalid: ${issue.message}`, {
      hint: `fix ${name} (or ${name}_FILE) in the environment`,
    });
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/** The owner (read-write) URL of one source database. */
export function sourceUrl(cfg: Config, db: SourceDatabase): string {
  const key = `${db.toUpperCase()}_DB_URL` as keyof Config;
  return cfg[key] as string;
}

/** The ETL's read-only URL of one source database: same server, the ETL's own account. */
export function etlSourceUrl(cfg: Config, db: SourceDatabase): string {
  const url = new URL(sourceUrl(cfg, db));
  url.username = encodeURIComponent(cfg.ETL_SOURCE_USER);
  url.password = encodeURIComponent(cfg.ETL_SOURCE_PASSWORD);
  return url.toString();
}
