import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';

/**
 * The settings every service shares (DESIGN.md 3.1): read from the environment, each with a `*_FILE`
 * form, validated once at start-up. A service extends these with its own (`serviceSettings.extend`).
 */
/** How long a request waits for a database connection unless DB_ACQUIRE_TIMEOUT_MS says otherwise. */
export const DEFAULT_DB_ACQUIRE_TIMEOUT_MS = 2_000;

export const serviceSettings = z.object({
  /** Address to listen on, default 127.0.0.1 (these machines serve on loopback only). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Log level, default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The log store (OpenSearch), default http://127.0.0.1:9200; `off` keeps logs on stdout only. */
  LOG_STORE_URL: z
    .string()
    .default('http://127.0.0.1:9200')
    .pipe(z.union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http:// URL' })])),
  /** Prefix of the log store's daily indices, default techmarket-logs. */
  LOG_STORE_INDEX: z
    .string()
    .default('techmarket-logs')
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/, 'must be lower-case letters, digits and "-"')),
  /** Largest request body accepted, default 65536 bytes (the biggest body of any route is ~1 KB). */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  /**
   * How long a request waits for a free database connection before it is answered 503 with
   * Retry-After, default 2000 ms: under a slow database requests queue for the pool, and without a
   * bound they waited as long as the queue was (20 s with 30 checkouts at 400 ms per round trip).
   */
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(10).default(DEFAULT_DB_ACQUIRE_TIMEOUT_MS),
  /** How long a shutdown waits for requests in flight, default 10000 ms. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Event-loop delay above which requests are shed with 503, default 1000 ms (0 turns it off). */
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Event-loop utilisation above which requests are shed with 503, default 0.98 (0 turns it off). */
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0.98),
  /** Where auth publishes its public keys, default http://127.0.0.1:7001/.well-known/jwks.json. */
  AUTH_JWKS_URL: z.string().default('http://127.0.0.1:7001/.well-known/jwks.json').pipe(z.url()),
  /** The `iss` of access tokens, default techmarket-auth. */
  JWT_ISSUER: z.string().min(1).default('techmarket-auth'),
  /** The `aud` of access tokens, default techmarket. */
  JWT_AUDIENCE: z.string().min(1).default('techmarket'),
  /**
   * Least time between two JWKS fetches caused by an unknown key id, default 30000 ms: a client
   * inventing key ids cannot make a service hammer auth.
   */
  JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
});
export type ServiceSettings = z.infer<typeof serviceSettings>;

/** Resolves `NAME_FILE` into `NAME` for every setting of the schema; both at once is refused. */
function resolveFileSettings(names: string[], env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (path !== undefined && path !== '') {
      if (env[name] !== undefined)
        throw new ConfigError(`${name} and ${name}_FILE are both set: set only one`);
      try {
        resolved[name] = readFileSync(path, 'utf8').trim();
      } catch (error) {
        throw new ConfigError(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
      }
    } else {
      resolved[name] = env[name] === '' ? undefined : env[name];
    }
  }
  return resolved;
}

/** Validates a service's settings; the error names the first bad variable in one line. */
export function loadSettings<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(resolveFileSettings(Object.keys(schema.shape), env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`${name} is invalid: ${issue.message}`, { hint: `fix ${name} (or ${name}_FILE)` });
  }
  return parsed.data;
}
