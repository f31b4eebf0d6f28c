/**
 * `npm run bench:bi [-- --scale 10] [--requests 200]`: the sales-dynamics page's API over a year of
 * daily data (GET /api/series?grain=day for 365 days) on a seeded scratch warehouse, for all regions
 * (an analyst) and for one region (a regional user, row-level security deciding), from the daily
 * rollups and from the order lines. Requests go over HTTP to the real service, 4 at a time; prints
 * p50/p95/p99 and writes the figures and each case's query plan (EXPLAIN ANALYZE as that user) to
 * bench/results/. Goal (../shared/BENCHMARKS.md): p95 < 50 ms with the rollups at scale 10.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { REPO_ROOT } from '../core/paths.ts';
import { createScratch, dropLoginRoles } from '../ops/scratch/scratch-databases.ts';
import { createPipelineDeps, runPipeline, SOURCE_TABLES } from '../pipeline/index.ts';
import { createSalesRepository } from '../services/bi/sales-repository.ts';
import { buildBiService } from '../services/bi/service.ts';
import { biSettings } from '../services/bi/settings.ts';
import { loadSettings, localTokenIssuer } from '../services/shared/index.ts';
import { grantBiAccess } from '../warehouse/index.ts';
import { seedForBench } from './seed-for-bench.ts';

const CONCURRENCY = 4;
const { values } = parseArgs({
  options: { scale: { type: 'string' }, requests: { type: 'string' } },
  strict: true,
});
const scale = z.coerce.number().positive().max(100).default(1).parse(values.scale);
const requests = z.coerce.number().int().min(10).max(10_000).default(200).parse(values.requests);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function measure(url: string, token: string, count: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return times.sort((a, b) => a - b);
}

process.stderr.write(`== scale ${scale}: seeding scratch databases\n`);
const scratch = await createScratch();
const deps = createPipelineDeps(scratch.config);
try {
  await seedForBench(scratch.config, scale);
  process.stderr.write('first load into the warehouse…\n');
  // Past the safety lag already (seedForBench): the configured tables read every seeded row.
  await runPipeline(deps, { tables: SOURCE_TABLES, kind: 'incremental', trigger: 'bench' });
  await deps.warehouse.query('vacuum analyze');
  const { rows: facts } = await deps.warehouse.query(
    `select count(*)::int as lines, (select count(*)::int from dwh.agg_sales_daily_region) as rollup_rows,
            max(order_date_key)::text as last_day from dwh.fact_sales`,
  );
  const lastDay = facts[0].last_day.replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
  const firstDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  const users = { all: `bench_${scratch.suffix}_analyst`, one: `bench_${scratch.suffix}_ua30` };
  await grantBiAccess(deps.warehouse, {
    user: users.all,
    level: 'analyst',
    regions: [],
    authUserId: 1,
    osUser: 'bench',
  });
  await grantBiAccess(deps.warehouse, {
    user: users.one,
    level: 'regional',
    regions: ['UA-30'],
    authUserId: 2,
    osUser: 'bench',
  });

  // the order lines' year at scale 10 takes seconds on a busy machine: no 10 s limit here
  const settings = loadSettings(biSettings, {
    LOG_LEVEL: 'silent',
    BI_DWH_URL: scratch.config.DWH_URL,
    QUERY_TIMEOUT_MS: '300000',
  });
  const issuer = await localTokenIssuer(settings);
  const app = await buildBiService(settings, { accessTokens: issuer.accessTokens });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const cases = [
    { name: 'all regions, rollups', userId: 1, source: 'rollup' },
    { name: 'one region, rollups', userId: 2, source: 'rollup' },
    { name: 'all regions, order lines', userId: 1, source: 'lines' },
    { name: 'one region, order lines', userId: 2, source: 'lines' },
  ] as const;
  const results = [];
  const plans: string[] = [];
  const explainer = createSalesRepository(scratch.config.DWH_URL, 300_000);
  try {
    for (const c of cases) {
      const token = await issuer.sign(c.userId);
      const url = `${base}/api/series?from=${firstDay}&to=${lastDay}&grain=day&source=${c.source}`;
      const count = c.source === 'lines' ? Math.max(8, Math.round(requests / 20)) : requests;
      await measure(url, token, CONCURRENCY * 2); // warm-up
      process.stderr.write(`${c.name}: ${count} requests…\n`);
      const times = await measure(url, token, count);
      const figures = {
        case: c.name,
        requests: count,
        p50_ms: +percentile(times, 0.5).toFixed(1),
        p95_ms: +percentile(times, 0.95).toFixed(1),
        p99_ms: +percentile(times, 0.99).toFixed(1),
      };
      results.push(figures);
      process.stderr.write(`${JSON.stringify(figures)}\n`);
      const plan = await explainer.explainSeries(c.userId, {
        from: firstDay,
        to: lastDay,
        grain: 'day',
        source: c.source,
        regions: [],
      });
      plans.push(`-- ${c.name}\n${plan}\n`);
    }
  } finally {
    await app.close();
    await explainer.close();
  }
  const summary = {
    scale,
    lines: facts[0].lines,
    rollupRows: facts[0].rollup_rows,
    firstDay,
    lastDay,
    concurrency: CONCURRENCY,
    results,
  };
  console.table(results);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  const dir = join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `bi-scale${scale}-${stamp}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, `bi-plans-scale${scale}-${stamp}.txt`), plans.join('\n'));
  process.stderr.write(`plans in bench/results/bi-plans-scale${scale}-${stamp}.txt\n`);
} finally {
  await deps.close();
  await scratch.drop();
  await dropLoginRoles(scratch, [`bench_${scratch.suffix}_analyst`, `bench_${scratch.suffix}_ua30`]);
}
