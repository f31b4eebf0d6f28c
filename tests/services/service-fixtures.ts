import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import { destination } from 'pino';
import { test as base } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import { buildAuth } from '../../services/auth/build.ts';
import { authSettings } from '../../services/auth/settings.ts';
import { buildCatalog } from '../../services/catalog/build.ts';
import { catalogSettings } from '../../services/catalog/settings.ts';
import { buildGateway } from '../../services/gateway/build.ts';
import { gatewaySettings } from '../../services/gateway/settings.ts';
import { loadSettings } from '../../services/shared/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';

/**
 * auth and catalog on a scratch database each, listening on ephemeral ports, their JSON logs in one
 * file per test file (which the secrets test searches).
 */
export interface ServiceWorld {
  scratch: Scratch;
  logFile: string;
  auth: Awaited<ReturnType<typeof buildAuth>>;
  catalog: Awaited<ReturnType<typeof buildCatalog>>;
  gateway: Awaited<ReturnType<typeof buildGateway>>;
  gatewayUrl: string;
  authUrl: string;
  catalogUrl: string;
  authDb: Pool;
  catalogDb: Pool;
  close(): Promise<void>;
}

/**
 * The service world as a vitest fixture: `world` is started when a test first asks for it and closed
 * after the file's last test. A file that needs other settings says so with
 * `serviceTest.scoped({ worldSettings: { … } })`.
 */
export const serviceTest = base.extend<{ worldSettings: Record<string, string>; world: ServiceWorld }>({
  worldSettings: [{}, { scope: 'file' }],
  world: [
    async ({ worldSettings }, use) => {
      const world = await startServiceWorld(worldSettings);
      await use(world);
      await world.close();
    },
    { scope: 'file' },
  ],
});

export async function startServiceWorld(overrides: Record<string, string> = {}): Promise<ServiceWorld> {
  const scratch = await createScratch();
  const dir = mkdtempSync(join(tmpdir(), 'techmarket-services-'));
  const logFile = join(dir, 'services.log');
  const logStream = destination({ dest: logFile, sync: true });
  // Every test request comes from 127.0.0.1: the per-address limit would count them all together.
  // Three services share this one process and two busy cores: load shedding would answer 503 to a
  // test at random (seen under a load average of 30), so it is off here; the kit's own test checks it.
  const env = {
    LOG_LEVEL: 'info',
    JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_PER_ADDRESS: '100000',
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...overrides,
  };
  const auth = await buildAuth(
    loadSettings(authSettings, { ...env, AUTH_DB_URL: sourceUrl(scratch.config, 'auth'), PORT: '0' }),
    { logStream },
  );
  await auth.listen({ host: '127.0.0.1', port: 0 });
  const authUrl = `http://127.0.0.1:${(auth.server.address() as { port: number }).port}`;
  const catalog = await buildCatalog(
    loadSettings(catalogSettings, {
      ...env,
      CATALOG_DB_URL: sourceUrl(scratch.config, 'catalog'),
      AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
      PORT: '0',
    }),
    { logStream },
  );
  await catalog.listen({ host: '127.0.0.1', port: 0 });
  const catalogUrl = `http://127.0.0.1:${(catalog.server.address() as { port: number }).port}`;
  const gateway = await buildGateway(
    loadSettings(gatewaySettings, {
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
      AUTH_URL: authUrl,
      CATALOG_URL: catalogUrl,
      AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
      PORT: '0',
    }),
    { logStream },
  );
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}`;
  const authDb = createPool({
    uri: sourceUrl(scratch.config, 'auth'),
    connectionLimit: 2,
    dateStrings: true,
  });
  const catalogDb = createPool({
    uri: sourceUrl(scratch.config, 'catalog'),
    connectionLimit: 2,
    dateStrings: true,
  });
  return {
    scratch,
    logFile,
    auth,
    catalog,
    gateway,
    gatewayUrl,
    authUrl,
    catalogUrl,
    authDb,
    catalogDb,
    async close() {
      await gateway.close();
      await catalog.close();
      await auth.close();
      await authDb.end();
      await catalogDb.end();
      await scratch.drop();
    },
  };
}

export function readLog(world: ServiceWorld): string {
  return readFileSync(world.logFile, 'utf8');
}

/** Rows of a query, typed by the caller. */
export async function rowsOf<T>(pool: Pool, sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await pool.query(sql, values);
  return result as T[];
}

/** A JSON call; answers status, parsed body (or text) and headers. */
export async function call(
  url: string,
  options: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies loosely and assert on them
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}

/** Registers and logs in a user, optionally giving it roles straight in the auth database. */
export async function userWithRoles(
  world: Pick<ServiceWorld, 'authUrl' | 'authDb'>,
  email: string,
  roles: string[] = [],
  password = 'correct horse battery staple',
) {
  const registered = await call(`${world.authUrl}/register`, { body: { email, password } });
  if (registered.status !== 202)
    throw new Error(`register ${email}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const [user] = await rowsOf<{ id: string }>(world.authDb, 'select id from users where email = ?', [email]);
  if (!user) throw new Error(`no user ${email}`);
  for (const role of roles) {
    await world.authDb.query('insert ignore into roles (name) values (?)', [role]);
    await world.authDb.query(
      'insert ignore into user_roles (user_id, role_id) select ?, id from roles where name = ?',
      [user.id, role],
    );
  }
  const login = await call(`${world.authUrl}/login`, { body: { email, password } });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: Number(user.id), password, ...(login.body as { accessToken: string; refreshToken: string }) };
}
