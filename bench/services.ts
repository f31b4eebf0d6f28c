/**
 * `npm run bench:services [-- --seconds 10 --listing-rate 1000 --login-rates 10,20,40 --rounds 5
 * --only "gateway; nginx (TLS)"]`:
 * auth, catalog and the gateway as separate processes on scratch databases, a private nginx in front
 * (the same template as the infra part), then a constant arrival rate (vegeta, bench/constant-rate.ts):
 * the catalog listing and login, each through the gateway and through nginx (TLS, HTTP/2), printing
 * achieved req/s, p50 and p99.
 * The listing (the first page of 20 categories in 5 orders, in turn) runs in interleaved rounds
 * (medians side by side, each after the machine has gone quiet and 3 s of its load unmeasured)
 * against: the same without the catalog's listing cache, a reference catalog and gateway on a copy of
 * the data without the listing indexes (catalog migration 002), the catalog straight (the proxy hop's
 * cost), a catalog and gateway logging every request at info to stdout, the same also shipping every
 * line to OpenSearch (the services' defaults), and each hop alone: an upstream answering the same body at once, the gateway
 * in front of it, nginx in front of it; and the gateway and the upstream alone under autocannon's
 * per-second bursts. The main sides log at warn. For the sides with a gateway of their own it prints
 * the CPU each process spent per request. Nothing touches the demo databases or the shared nginx.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createPool } from 'mysql2/promise';
import { z } from 'zod';
import { sourceUrl } from '../core/config.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { waitFor } from '../ops/infra/net.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';
import { down as dropListingIndexes } from '../services/catalog/migrations/002_add_products_listing_indexes.ts';
import { PRODUCT_SORTS } from '../services/catalog/schemas/catalog.ts';
import { openDatabase } from '../services/shared/index.ts';
import { startPrivateNginx } from '../tests/services/private-nginx.ts';
import { attackAtConstantRate } from './constant-rate.ts';
import { waitForQuiet } from './machine-cpu.ts';
import { freePort, loadAverage, pidOf, processCpuMs, serviceProcesses } from './service-processes.ts';

const argsSchema = z.object({
  seconds: z.coerce.number().int().min(2).max(120).default(10),
  'listing-rate': z.coerce.number().int().min(1).default(1000),
  'login-rates': z
    .string()
    .default('10,20,40')
    .transform((t) => t.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  products: z.coerce.number().int().min(100).max(100_000).default(5000),
  rounds: z.coerce.number().int().min(1).max(20).default(5),
  /** Only the listing sides whose name is one of these (separated by ";": names hold commas). */
  only: z
    .string()
    .optional()
    .transform((t) => (t === undefined ? undefined : t.split(';').map((name) => name.trim()))),
});
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'listing-rate': { type: 'string' },
    'login-rates': { type: 'string' },
    products: { type: 'string' },
    rounds: { type: 'string' },
    only: { type: 'string' },
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

/** Seconds of unmeasured load before each measured side (steady state). */
const WARM_UP_SECONDS = 3;
const BENCH_LOG_INDEX = 'techmarket-logs-bench-services';
const home = mkdtempSync(join(tmpdir(), 'techmarket-bench-services-'));
const benchStarted = performance.now();
/** Progress on stderr (the figures go to stdout at the end): what runs now, and each side's p99. */
const say = (line: string) =>
  process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

interface Figure {
  what: string;
  via: string;
  targetRate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Requests completed, for a cost per request. */
  requests: number;
  /** Answers that were not 2xx, by status code (a load shedder's 503, a rate limit's 429, …). */
  non2xxByStatus: Record<string, number>;
  /** CPU ms per request of each process on the path, the load generator included (the gateway side). */
  cpuMsPerRequest?: Record<string, number>;
  /** CPU ms the load generator used for this measurement. */
  generatorCpuMs: number;
  /** Each round's p99, in order, where the figure is a median of rounds. */
  p99MsByRound?: number[];
}

type Generator = 'vegeta' | 'autocannon';

/** `paths` of `base` in turn, `rate` a second for `seconds`, by `generator`. */
async function measure(
  what: string,
  via: string,
  base: string,
  paths: readonly string[],
  rate: number,
  request: { method?: 'GET' | 'POST'; body?: string } = {},
  generator: Generator = 'vegeta',
  seconds: number = args.seconds,
): Promise<Figure> {
  if (generator === 'vegeta') {
    const result = await attackAtConstantRate(
      paths.map((path) => ({ url: `${base}${path}`, ...request })),
      rate,
      seconds,
      home,
    );
    const non2xx = Object.values(result.non2xxByStatus).reduce((a, b) => a + b, 0);
    return {
      what,
      via,
      targetRate: rate,
      achievedRate: result.achievedRate,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      non2xx,
      errors: result.non2xxByStatus['0'] ?? 0,
      requests: result.requests,
      non2xxByStatus: result.non2xxByStatus,
      generatorCpuMs: result.generatorCpuMs,
    };
  }
  const self = process.cpuUsage();
  const result = await autocannon({
    url: base,
    requests: paths.map((path) => ({
      path,
      method: request.method ?? 'GET',
      ...(request.body ? { body: request.body, headers: { 'content-type': 'application/json' } } : {}),
    })),
    overallRate: rate,
    connections: Math.min(64, Math.max(4, Math.ceil(rate / 20))),
    duration: seconds,
  });
  const used = process.cpuUsage(self);
  return {
    what,
    via,
    targetRate: rate,
    achievedRate: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
    non2xxByStatus: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {})
        .filter(([status]) => !status.startsWith('2'))
        .map(([status, stats]) => [status, stats.count ?? 0]),
    ),
    generatorCpuMs: (used.user + used.system) / 1000,
  };
}

/** A catalog of a realistic size, written straight into a scratch catalog database. */
async function fillCatalog(url: string): Promise<void> {
  const catalogDb = createPool({ uri: url, connectionLimit: 1 });
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
  await catalogDb.query('analyze table categories, products');
  await catalogDb.end();
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * CPU spent from now by the processes on the gateway's listing path: the gateway, the catalog and
 * MariaDB (shared, idle otherwise); the load generator's own time comes with its figure. Per request
 * it says what a rate costs the two cores, which latencies on a shared machine do not.
 */
function cpuCost(suffix: string) {
  const mariadb = pidOf('mariadbd');
  const before: Record<string, number> = { ...processes.cpuMs(), mariadb: processCpuMs(mariadb) };
  return {
    perRequest(figure: Figure): Record<string, number> {
      const after: Record<string, number> = { ...processes.cpuMs(), mariadb: processCpuMs(mariadb) };
      const per = (ms: number) => Math.round((ms / figure.requests) * 1000) / 1000;
      return {
        gateway: per(after[`gateway${suffix}`]! - before[`gateway${suffix}`]!),
        catalog: per(after[`catalog${suffix}`]! - before[`catalog${suffix}`]!),
        mariadb: per(after.mariadb! - before.mariadb!),
        'load generator': per(figure.generatorCpuMs),
      };
    },
  };
}

function sumByStatus(measured: readonly Figure[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const f of measured) {
    for (const [status, n] of Object.entries(f.non2xxByStatus)) sum[status] = (sum[status] ?? 0) + n;
  }
  return sum;
}

function medianCosts(measured: readonly Figure[]): Record<string, number> {
  const names = Object.keys(measured[0]!.cpuMsPerRequest!);
  return Object.fromEntries(names.map((n) => [n, median(measured.map((f) => f.cpuMsPerRequest![n]!))]));
}

const scratch = await createScratch();
const referenceScratch = await createScratch();
const common = {
  JWKS_COOLDOWN_MS: '1000',
  // One client address drives every request here: the per-address limits would measure themselves.
  RATE_LIMIT_PER_ADDRESS: '10000000',
  RATE_LIMIT_PER_ACCOUNT: '10000000',
  GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
  LOG_STORE_URL: 'off',
};
const processes = serviceProcesses(home, common);
const NO_LISTING_CACHE = { CATALOG_LISTING_CACHE_MS: '0' };
let stopNginx: (() => Promise<void>) | undefined;
let stopTrivialNginx: (() => Promise<void>) | undefined;
let trivialUpstream: ReturnType<typeof spawn> | undefined;
try {
  say('starting auth, catalogs and gateways (one pair per side), nginx, filling the catalogs');
  const authUrl = await processes.start('auth', { AUTH_DB_URL: sourceUrl(scratch.config, 'auth') });
  const jwks = `${authUrl}/.well-known/jwks.json`;
  /** A catalog and a gateway in front of it, named `catalog<suffix>` and `gateway<suffix>` in cpuMs(). */
  const catalogBehindGateway = async (
    suffix: string,
    env: { both?: Record<string, string>; catalog?: Record<string, string>; catalogDbUrl?: string } = {},
  ) => {
    const named = (service: string) => (suffix === '' ? {} : { label: `${service}${suffix}` });
    const catalogUrl = await processes.start(
      'catalog',
      {
        ...env.both,
        ...env.catalog,
        CATALOG_DB_URL: env.catalogDbUrl ?? sourceUrl(scratch.config, 'catalog'),
        AUTH_JWKS_URL: jwks,
      },
      named('catalog'),
    );
    const gatewayUrl = await processes.start(
      'gateway',
      { ...env.both, AUTH_URL: authUrl, CATALOG_URL: catalogUrl, AUTH_JWKS_URL: jwks },
      named('gateway'),
    );
    return { catalogUrl, gatewayUrl, suffix };
  };
  const main = await catalogBehindGateway('');
  const { catalogUrl, gatewayUrl } = main;
  // What the listing cache saves: the same catalog building every page.
  const uncached = await catalogBehindGateway(', no listing cache', { catalog: NO_LISTING_CACHE });
  // The reference: the same code on the same data, without the listing indexes (nor the cache).
  const referenceCatalogDb = openDatabase(sourceUrl(referenceScratch.config, 'catalog'), {
    connectionLimit: 1,
  });
  await dropListingIndexes(referenceCatalogDb);
  await referenceCatalogDb.destroy();
  const { gatewayUrl: referenceGatewayUrl } = await catalogBehindGateway(', reference', {
    catalog: NO_LISTING_CACHE,
    catalogDbUrl: sourceUrl(referenceScratch.config, 'catalog'),
  });
  // What logging every request costs: at info (as services run by default) to stdout only.
  const logging = await catalogBehindGateway(', logging', { both: { LOG_LEVEL: 'info' } });
  // As the services run by default: at info, every line also shipped to the log store (OpenSearch,
  // on these same cores) by pino's transport thread; into an index of the bench's own, dropped after.
  const shipping = await catalogBehindGateway(', shipping', {
    both: {
      LOG_LEVEL: 'info',
      LOG_STORE_URL: scratch.config.LOG_STORE_URL,
      LOG_STORE_INDEX: BENCH_LOG_INDEX,
    },
  });
  const nginx = await startPrivateNginx(gatewayUrl, join(home, 'nginx'));
  stopNginx = nginx.stop;
  const nginxUrl = `https://127.0.0.1:${nginx.httpsPort}`;
  await fillCatalog(sourceUrl(scratch.config, 'catalog'));
  await fillCatalog(sourceUrl(referenceScratch.config, 'catalog'));
  const login = JSON.stringify({ email: 'bench@example.com', password: 'bench correct horse battery' });
  await fetch(`${authUrl}/register`, {
    method: 'POST',
    body: login,
    headers: { 'content-type': 'application/json' },
  });

  // A shop's listing traffic: the first page of every category in every order, in turn.
  const listingPaths = Array.from({ length: 20 }, (_, c) =>
    PRODUCT_SORTS.map((sort) => `/products?limit=20&sort=${sort}&categoryId=${c + 1}`),
  ).flat();
  const viaGateway = listingPaths.map((path) => `/api/catalog${path}`);
  // Each hop alone: the gateway and nginx in front of an upstream that answers a listing body at
  // once (bench/trivial-upstream.ts, a process of its own).
  const listingBody = await (await fetch(`${catalogUrl}${listingPaths[6]}`)).text();
  const bodyFile = join(home, 'listing.json');
  writeFileSync(bodyFile, listingBody);
  const trivialPort = await freePort();
  trivialUpstream = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'trivial-upstream.ts')],
    {
      env: { ...process.env, PORT: String(trivialPort), BODY_FILE: bodyFile },
      stdio: 'ignore',
    },
  );
  const trivialUrl = `http://127.0.0.1:${trivialPort}`;
  const trivialUp = await waitFor(async () => {
    try {
      return (await fetch(`${trivialUrl}/health`)).ok;
    } catch {
      return false;
    }
  }, 30);
  if (!trivialUp) throw new Error('bench/trivial-upstream.ts did not start');
  const trivialGatewayUrl = await processes.start(
    'gateway',
    { AUTH_URL: authUrl, CATALOG_URL: trivialUrl, AUTH_JWKS_URL: jwks },
    { label: 'gateway, trivial upstream' },
  );
  const trivialNginx = await startPrivateNginx(trivialUrl, join(home, 'nginx-trivial'));
  stopTrivialNginx = trivialNginx.stop;
  const trivialNginxUrl = `https://127.0.0.1:${trivialNginx.httpsPort}`;
  const figures: Figure[] = [];
  const allSides: ReadonlyArray<readonly [string, string, readonly string[], Generator?]> = [
    ['gateway, no listing indexes nor cache (reference)', referenceGatewayUrl, viaGateway],
    ['catalog directly (no gateway)', catalogUrl, listingPaths],
    ['gateway', gatewayUrl, viaGateway],
    ['gateway, no listing cache', uncached.gatewayUrl, viaGateway],
    ['gateway, both logging at info', logging.gatewayUrl, viaGateway],
    ['gateway, both at info shipped to OpenSearch (the default)', shipping.gatewayUrl, viaGateway],
    ['nginx (TLS)', nginxUrl, viaGateway],
    ['trivial upstream alone', trivialUrl, viaGateway],
    ['gateway alone (trivial upstream)', trivialGatewayUrl, viaGateway],
    ['nginx alone (TLS, trivial upstream)', trivialNginxUrl, viaGateway],
    // autocannon's "fixed rate": each second's requests back to back on every connection, then a
    // pause (bench/constant-rate.ts); the bursts' latency, for comparison with earlier figures.
    ['gateway, autocannon bursts', gatewayUrl, viaGateway, 'autocannon'],
    ['trivial upstream alone, autocannon bursts', trivialUrl, viaGateway, 'autocannon'],
  ];
  // The sides whose CPU per request is worth its bill: the label suffix of their gateway and catalog.
  const costedGateways = new Map(
    [main, uncached, logging, shipping].map((pair) => [pair.gatewayUrl, pair.suffix]),
  );
  const sides = allSides.filter(([via]) => args.only === undefined || args.only.includes(via));
  if (sides.length === 0) {
    throw new Error(`--only names no side; the sides are: ${allSides.map(([via]) => via).join('; ')}`);
  }
  // Each process's first traffic, once: JIT compilation and connection pools (the warm-up in each
  // round below is for the listing cache, and is too short for this).
  for (const [via, base, paths, generator] of sides) {
    say(`first traffic (200/s, ${args.seconds} s): ${via}`);
    await measure('warm-up', via, base, paths, 200, {}, generator);
  }
  // Interleaved rounds: drift in the machine's load hits every side alike; medians per side.
  const rounds = new Map<string, Figure[]>();
  for (let round = 0; round < args.rounds; round++) {
    for (const [via, base, paths, generator] of sides) {
      say(`round ${round + 1}/${args.rounds}: ${via}`);
      await waitForQuiet();
      // The same load, unmeasured, just before: steady state. Without it every round began with the
      // listing cache empty (the other sides ran for minutes in between), and the first request for
      // each of the 100 pages queried MariaDB at once: 100 of 10,000 requests, exactly the p99.
      await measure('warm-up', via, base, paths, args['listing-rate'], {}, generator, WARM_UP_SECONDS);
      const costed = costedGateways.get(base);
      const cost = costed === undefined ? undefined : cpuCost(costed);
      const figure = await measure('catalog listing', via, base, paths, args['listing-rate'], {}, generator);
      if (cost) figure.cpuMsPerRequest = cost.perRequest(figure);
      say(
        `  ${figure.achievedRate}/s, p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms, non-2xx ${figure.non2xx}`,
      );
      rounds.set(via, [...(rounds.get(via) ?? []), figure]);
    }
  }
  for (const [via, measured] of rounds) {
    figures.push({
      what: 'catalog listing',
      via,
      targetRate: args['listing-rate'],
      achievedRate: median(measured.map((f) => f.achievedRate)),
      p50Ms: median(measured.map((f) => f.p50Ms)),
      p99Ms: median(measured.map((f) => f.p99Ms)),
      p99MsByRound: measured.map((f) => f.p99Ms),
      non2xx: measured.reduce((n, f) => n + f.non2xx, 0),
      errors: measured.reduce((n, f) => n + f.errors, 0),
      requests: measured.reduce((n, f) => n + f.requests, 0),
      non2xxByStatus: sumByStatus(measured),
      generatorCpuMs: measured.reduce((n, f) => n + f.generatorCpuMs, 0),
      ...(measured[0]?.cpuMsPerRequest ? { cpuMsPerRequest: medianCosts(measured) } : {}),
    });
  }
  for (const [via, base] of [
    ['gateway', gatewayUrl],
    ['nginx (TLS)', nginxUrl],
  ] as const) {
    for (const rate of args['login-rates']) {
      say(`login at ${rate}/s: ${via}`);
      figures.push(
        await measure('login', via, base, ['/api/auth/login'], rate, { method: 'POST', body: login }),
      );
    }
  }
  process.stdout.write(
    `${JSON.stringify({ seconds: args.seconds, rounds: args.rounds, products: args.products, loadAverage: loadAverage(), figures }, null, 2)}\n` +
      figures
        .map(
          (f) =>
            `${f.what.padEnd(16)} via ${f.via.padEnd(40)} target ${String(f.targetRate).padStart(5)}/s  achieved ${String(f.achievedRate).padStart(5)}/s  p50 ${String(f.p50Ms).padStart(4)} ms  p99 ${String(f.p99Ms).padStart(5)} ms  non-2xx ${f.non2xx}${
              f.non2xx > 0
                ? ` (${Object.entries(f.non2xxByStatus)
                    .map(([status, n]) => `${n}×${status}`)
                    .join(', ')})`
                : ''
            }  errors ${f.errors}${f.p99MsByRound ? `  (p99 by round: ${f.p99MsByRound.join(', ')})` : ''}`,
        )
        .join('\n') +
      '\n' +
      figures
        .filter((f) => f.cpuMsPerRequest)
        .map(
          (f) =>
            `CPU ms per listing request via ${f.via} (medians): ${Object.entries(f.cpuMsPerRequest!)
              .map(([name, ms]) => `${name} ${ms}`)
              .join(', ')}; sum ${Object.values(f.cpuMsPerRequest!)
              .reduce((a, b) => a + b, 0)
              .toFixed(
                3,
              )} ms, ${((Object.values(f.cpuMsPerRequest!).reduce((a, b) => a + b, 0) * f.achievedRate) / 1000).toFixed(2)} cores at the achieved rate\n`,
        )
        .join(''),
  );
} finally {
  await stopNginx?.();
  await stopTrivialNginx?.();
  trivialUpstream?.kill('SIGTERM');
  await processes.stopAll();
  await fetch(`${scratch.config.LOG_STORE_URL}/${BENCH_LOG_INDEX}-*`, { method: 'DELETE' }).catch(() => {});
  await scratch.drop();
  await referenceScratch.drop();
}
