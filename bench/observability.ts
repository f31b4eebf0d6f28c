/**
 * `npm run bench:observability`: what metrics and log shipping add to a service's p99 (issue 17's goal:
 * under 5%). A service of the shared kit serves a catalog-like listing at a fixed 1,000 requests/s
 * (the catalog goal's rate) for each variant — bare (no /metrics, logs to stdout), metrics, full
 * (metrics and logs shipped to OpenSearch) — interleaved over rounds, each in a fresh process;
 * prints the median p50/p99 per variant and the p99 added. Needs the opensearch part for `full`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { z } from 'zod';

const { values } = parseArgs({
  options: { rounds: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' } },
  strict: true,
});
const rounds = z.coerce.number().int().min(1).max(10).default(3).parse(values.rounds);
const seconds = z.coerce.number().int().min(3).max(120).default(10).parse(values.seconds);
const rate = z.coerce.number().int().min(10).max(20_000).default(1000).parse(values.rate);
const VARIANTS = ['bare', 'metrics', 'full'] as const;
const WARMUP_SECONDS = 2;

async function startServer(variant: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./observability/server.ts', import.meta.url).pathname],
    {
      env: { ...process.env, BENCH_VARIANT: variant, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim().split('\n')[0])));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

async function load(port: number, duration: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}/products`,
    connections: 20,
    overallRate: rate,
    duration,
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, { p50: number[]; p99: number[]; errors: number }> = {};
for (const variant of VARIANTS) results[variant] = { p50: [], p99: [], errors: 0 };

for (let round = 1; round <= rounds; round++) {
  for (const variant of VARIANTS) {
    const { child, port } = await startServer(variant);
    try {
      await load(port, WARMUP_SECONDS);
      const result = await load(port, seconds);
      results[variant]!.p50.push(result.latency.p50);
      results[variant]!.p99.push(result.latency.p99);
      results[variant]!.errors += result.errors + result.non2xx;
      process.stderr.write(
        `round ${round} ${variant.padEnd(7)} p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ${Math.round(result.requests.average)} req/s\n`,
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}
await fetch('http://127.0.0.1:9200/techmarket-logs-bench-*', { method: 'DELETE' }).catch(() => {});

const bareP99 = median(results.bare!.p99);
const rows = VARIANTS.map((variant) => {
  const r = results[variant]!;
  const p99 = median(r.p99);
  return {
    variant,
    'p50 ms (median)': median(r.p50),
    'p99 ms (median)': p99,
    'p99 range': `${Math.min(...r.p99)}–${Math.max(...r.p99)}`,
    'p99 added': variant === 'bare' ? '—' : `${(((p99 - bareP99) / bareP99) * 100).toFixed(1)}%`,
    errors: r.errors,
  };
});
console.table(rows);
console.log(JSON.stringify({ rate, seconds, rounds, rows }));
