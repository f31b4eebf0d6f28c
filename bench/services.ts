/**
 * `npm run bench:services [-- --seconds 10 --listing-rate 1000 --login-rates 10,20,40]`: auth,
 * catalog and the gateway as separate processes on scratch databases, a private nginx in front
 * (the same template as the infra part), then autocannon at fixed rates: the catalog listing and
 * login, each through the gateway and through nginx (TLS), printing achieved req/s, p50 and p99.
 * Nothing touches the demo databases or the shared nginx.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createPool } from 'mysql2/promise';
import { z } from 'zod';
import { sourceUrl } from '../core/config.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { waitFor } from '../ops/infra/net.ts';
import { freePort, startPrivateNginx } from '../tests/services/private-nginx.ts';
import { createScratch } from '../tests/support/scratch.ts';

const argsSchema = z.object({
  seconds: z.coerce.number().int().min(2).max(120).default(10),
  'listing-rate': z.coerce.number().int().min(1).default(1000),
  'login-rates': z
    .string()
    .default('10,20,40')
    .transform((t) => t.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  products: z.coerce.number().int().min(100).max(100_000).default(5000),
});
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'listing-rate': { type: 'string' },
    'login-rates': { type: 'string' },
    products: { type: 'string' },
  },
  strict: true,
});
const parsedArgs = argsSchema.safeParse(values);
if (!parsedArgs.success) {
  const issue = parsedArgs.error.issues[0]!;
  process.stderr.write(`bench:services: --${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const args = parsedArgs.data;

const children: ChildProcess[] = [];
const home = mkdtempSync(join(tmpdir(), 'techmarket-bench-services-'));

async function startService(name: string, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const log = openSync(join(home, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services', name, 'server.ts')], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const up = await waitFor(async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  }, 60);
  if (!up) throw new Error(`${name} did not start: see ${join(home, `${name}.log`)}`);
  return url;
}

interface Figure {
  what: string;
  via: string;
  targetRate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function measure(
  what: string,
  via: string,
  url: string,
  rate: number,
  request: { method?: 'GET' | 'POST'; body?: string } = {},
): Promise<Figure> {
  const result = await autocannon({
    url,
    method: request.method ?? 'GET',
    ...(request.body ? { body: request.body, headers: { 'content-type': 'application/json' } } : {}),
    overallRate: rate,
    connections: Math.min(64, Math.max(4, Math.ceil(rate / 20))),
    duration: args.seconds,
  });
  return {
    what,
    via,
    targetRate: rate,
    achievedRate: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const scratch = await createScratch();
try {
  const common = {
    JWKS_COOLDOWN_MS: '1000',
    // One client address drives every request here: the per-address limits would measure themselves.
    RATE_LIMIT_PER_ADDRESS: '10000000',
    RATE_LIMIT_PER_ACCOUNT: '10000000',
    GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
  };
  const authUrl = await startService('auth', { ...common, AUTH_DB_URL: sourceUrl(scratch.config, 'auth') });
  const jwks = `${authUrl}/.well-known/jwks.json`;
  const catalogUrl = await startService('catalog', {
    ...common,
    CATALOG_DB_URL: sourceUrl(scratch.config, 'catalog'),
    AUTH_JWKS_URL: jwks,
  });
  const gatewayUrl = await startService('gateway', {
    ...common,
    AUTH_URL: authUrl,
    CATALOG_URL: catalogUrl,
    AUTH_JWKS_URL: jwks,
  });
  const nginx = await startPrivateNginx(gatewayUrl, join(home, 'nginx'));
  const nginxUrl = `https://127.0.0.1:${nginx.httpsPort}`;

  // A catalog of a realistic size, written straight into the scratch database.
  const catalogDb = createPool({ uri: sourceUrl(scratch.config, 'catalog'), connectionLimit: 1 });
  for (let c = 1; c <= 20; c++) {
    await catalogDb.query('insert into categories (id, parent_id, name, slug) values (?, ?, ?, ?)', [
      c,
      c > 4 ? ((c - 1) % 4) + 1 : null,
      `Category ${c}`,
      `category-${c}`,
    ]);
  }
  const rows = Array.from({ length: args.products }, (_, i) => [
    `SKU-${i}`,
    `Product number ${i}`,
    (i % 20) + 1,
    (100 + ((i * 7919) % 90_000) / 3).toFixed(2),
  ]);
  for (let i = 0; i < rows.length; i += 1000) {
    await catalogDb.query('insert into products (sku, name, category_id, price) values ?', [
      rows.slice(i, i + 1000),
    ]);
  }
  await catalogDb.end();
  const login = JSON.stringify({ email: 'bench@example.com', password: 'bench correct horse battery' });
  await fetch(`${authUrl}/register`, {
    method: 'POST',
    body: login,
    headers: { 'content-type': 'application/json' },
  });

  const listing = '/api/catalog/products?limit=20&sort=price&categoryId=2';
  const figures: Figure[] = [];
  for (const [via, base] of [
    ['gateway', gatewayUrl],
    ['nginx (TLS)', nginxUrl],
  ] as const) {
    await measure('warm-up', via, `${base}${listing}`, 200);
    figures.push(await measure('catalog listing', via, `${base}${listing}`, args['listing-rate']));
  }
  for (const [via, base] of [
    ['gateway', gatewayUrl],
    ['nginx (TLS)', nginxUrl],
  ] as const) {
    for (const rate of args['login-rates']) {
      figures.push(
        await measure('login', via, `${base}/api/auth/login`, rate, { method: 'POST', body: login }),
      );
    }
  }
  await nginx.stop();
  process.stdout.write(
    `${JSON.stringify({ seconds: args.seconds, products: args.products, figures }, null, 2)}\n` +
      figures
        .map(
          (f) =>
            `${f.what.padEnd(16)} via ${f.via.padEnd(12)} target ${String(f.targetRate).padStart(5)}/s  achieved ${String(f.achievedRate).padStart(5)}/s  p50 ${String(f.p50Ms).padStart(4)} ms  p99 ${String(f.p99Ms).padStart(5)} ms  non-2xx ${f.non2xx}  errors ${f.errors}`,
        )
        .join('\n') +
      '\n',
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await scratch.drop();
}
