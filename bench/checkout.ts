/**
 * `npm run bench:checkout [-- --seconds 20 --rates 100,200 --users 100 --reference <dir>]`: the
 * checkout sequence of issue #14 under a fixed arrival rate (open loop: a checkout starts on schedule
 * whether or not the earlier ones have finished, and its latency counts from its scheduled start, so
 * a stall is not hidden by the client waiting). The whole shop runs as separate processes on scratch
 * databases and a topic and consumer group of its own on the shared Kafka, behind a private nginx.
 * Each virtual user registers and logs in once; one checkout is `POST /orders` (two products) then
 * `POST /orders/{id}/checkout` (authorize + capture), through nginx (TLS) and through the gateway.
 * OrderPaid → notification is the notification row's `created_at` minus the order's `paid_at`, both
 * written by the same MariaDB server's clock. Beside each run: the CPU ms each process spent per
 * checkout (a cost a shared, busy machine does not blur as it blurs latencies).
 *
 * `--reference <dir>`: a second shop from the code in `<dir>` (e.g. `git archive base7 | tar -x`),
 * on databases of its own without payments migration 003 (the reference predates it), run
 * interleaved with this checkout's at every rate, so both meet the same machine load.
 * Prints figures; asserts nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { sourceUrl } from '../core/config.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { createScratch, type Scratch } from '../ops/scratch/scratch-databases.ts';
import { down as dropPspReferenceIndex } from '../services/payments/migrations/003_index_payments_psp_reference.ts';
import { openDatabase } from '../services/shared/index.ts';
import { BENCH_CARD, type BenchShop, startBenchShop } from './checkout-shop.ts';
import { loadAverage, percentile } from './service-processes.ts';

const argsSchema = z.object({
  seconds: z.coerce.number().int().min(2).max(300).default(20),
  rates: z
    .string()
    .default('100,200')
    .transform((t) => t.split(',').map(Number))
    .pipe(z.array(z.number().int().positive().max(2000)).min(1)),
  users: z.coerce.number().int().min(1).max(2000).default(100),
  reference: z.string().min(1).optional(),
});
const parsed = argsSchema.safeParse(
  parseArgs({
    options: {
      seconds: { type: 'string' },
      rates: { type: 'string' },
      users: { type: 'string' },
      reference: { type: 'string' },
    },
    strict: true,
  }).values,
);
if (!parsed.success) {
  const issue = parsed.error.issues[0]!;
  process.stderr.write(`bench:checkout: --${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const args = parsed.data;

interface CheckoutFigure {
  shop: string;
  via: string;
  targetRate: number;
  achievedRate: number;
  checkouts: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  notified: number;
  notifyP50Ms: number;
  notifyP95Ms: number;
  notifyP99Ms: number;
  /** CPU ms per checkout started, per process. */
  cpuMsPerCheckout: Record<string, number>;
  loadAverage: string;
}

/** One checkout: order two products, then pay; resolves to the order id when it is paid. */
async function checkout(shop: BenchShop, base: string, n: number): Promise<number> {
  const token = shop.tokens[n % shop.tokens.length]!;
  const items = shop.productIds.map((productId) => ({ productId, quantity: 1 }));
  const order = await shop.send(`${base}/api/orders/orders`, { items }, token, `bench-${n}-order`);
  if (order.status !== 201) throw new Error(`order ${order.status} ${JSON.stringify(order.body)}`);
  const paid = await shop.send(
    `${base}/api/orders/orders/${order.body.id}/checkout`,
    { card: BENCH_CARD },
    token,
    `bench-${n}-checkout`,
  );
  if (paid.status !== 200) throw new Error(`checkout ${paid.status} ${JSON.stringify(paid.body)}`);
  return order.body.id as number;
}

const sequences = new Map<BenchShop, number>();

/** Fixed arrival rate for `seconds`: starts each checkout on schedule, measures from that schedule. */
async function run(shop: BenchShop, base: string, rate: number, seconds: number) {
  const total = rate * seconds;
  const latencies: number[] = [];
  const paidOrders: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const inFlight: Promise<void>[] = [];
  const cpuBefore = shop.cpuMs();
  const start = performance.now() + 50;
  let lastDone = start;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = sequences.get(shop) ?? 0;
    sequences.set(shop, n + 1);
    inFlight.push(
      checkout(shop, base, n).then(
        (orderId) => {
          lastDone = performance.now();
          latencies.push(lastDone - due);
          paidOrders.push(orderId);
        },
        (error: unknown) => {
          lastDone = performance.now();
          failed += 1;
          firstError ??= String(error);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const cpuAfter = shop.cpuMs();
  // Per checkout started, paid or not: a refused one costs too, and a run where most fail would
  // otherwise divide all the CPU among the few that passed.
  const cpuMsPerCheckout: Record<string, number> = {};
  for (const [name, ms] of Object.entries(cpuAfter)) {
    cpuMsPerCheckout[name] = Math.round(((ms - (cpuBefore[name] ?? 0)) / total) * 100) / 100;
  }
  latencies.sort((a, b) => a - b);
  return { latencies, paidOrders, failed, firstError, cpuMsPerCheckout, seconds: (lastDone - start) / 1000 };
}

/** OrderPaid → notification (ms) for these orders, once every one has its notification (or 30 s). */
async function notificationLatencies(shop: BenchShop, orderIds: number[]): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  let rows: { order_id: number; micros: number }[] = [];
  const [paidRows] = await shop.ordersDb.query(
    'select id, unix_timestamp(paid_at) * 1000000 as paid from orders where id in (?)',
    [orderIds],
  );
  const paidAt = new Map((paidRows as { id: number; paid: string }[]).map((r) => [r.id, Number(r.paid)]));
  while (Date.now() < deadline) {
    const [found] = await shop.notificationsDb.query(
      `select cast(json_value(payload, '$.orderId') as unsigned) as order_id,
              unix_timestamp(created_at) * 1000000 as micros
         from notifications where event_type = 'OrderPaid'
          and cast(json_value(payload, '$.orderId') as unsigned) in (?)`,
      [orderIds],
    );
    rows = found as typeof rows;
    if (rows.length >= orderIds.length) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return rows
    .map((r) => (Number(r.micros) - (paidAt.get(Number(r.order_id)) ?? Number.NaN)) / 1000)
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
}

const home = mkdtempSync(join(tmpdir(), 'techmarket-bench-checkout-'));
const scratches: Scratch[] = [];
const shops: [string, BenchShop][] = [];
try {
  const scratch = await createScratch();
  scratches.push(scratch);
  shops.push([
    'this',
    await startBenchShop({ label: 'this', root: REPO_ROOT, home, scratch, users: args.users }),
  ]);
  if (args.reference) {
    const referenceScratch = await createScratch();
    scratches.push(referenceScratch);
    const payments = openDatabase(sourceUrl(referenceScratch.config, 'payments'), { connectionLimit: 1 });
    await dropPspReferenceIndex(payments);
    await payments.destroy();
    const root = args.reference;
    shops.push([
      'reference',
      await startBenchShop({ label: 'reference', root, home, scratch: referenceScratch, users: args.users }),
    ]);
  }

  const figures: CheckoutFigure[] = [];
  const vias = (shop: BenchShop) =>
    [
      ['nginx (TLS)', shop.nginxUrl],
      ['gateway', shop.gatewayUrl],
    ] as const;
  // warm-up: JIT, pools, JWKS caches
  for (const [, shop] of shops) for (const [, base] of vias(shop)) await run(shop, base, 20, 2);
  for (const rate of args.rates) {
    // Interleaved: each rate through nginx then the gateway, shop after shop, so drift in the
    // machine's load hits all of them.
    for (const [label, shop] of shops) {
      for (const [via, base] of vias(shop)) {
        const measured = await run(shop, base, rate, args.seconds);
        const notified =
          measured.paidOrders.length > 0 ? await notificationLatencies(shop, measured.paidOrders) : [];
        const round = (ms: number) => Math.round(ms * 10) / 10;
        figures.push({
          shop: label,
          via,
          targetRate: rate,
          achievedRate: round(measured.paidOrders.length / measured.seconds),
          checkouts: measured.paidOrders.length,
          failed: measured.failed,
          p50Ms: round(percentile(measured.latencies, 50)),
          p95Ms: round(percentile(measured.latencies, 95)),
          p99Ms: round(percentile(measured.latencies, 99)),
          maxMs: round(measured.latencies.at(-1) ?? Number.NaN),
          notified: notified.length,
          notifyP50Ms: round(percentile(notified, 50)),
          notifyP95Ms: round(percentile(notified, 95)),
          notifyP99Ms: round(percentile(notified, 99)),
          cpuMsPerCheckout: measured.cpuMsPerCheckout,
          loadAverage: loadAverage(),
        });
        if (measured.firstError)
          process.stderr.write(`${label} ${via} @${rate}/s first error: ${measured.firstError}\n`);
      }
    }
  }
  process.stdout.write(
    `${JSON.stringify({ seconds: args.seconds, users: args.users, figures }, null, 2)}\n` +
      figures
        .map(
          (f) =>
            `${f.shop.padEnd(9)} checkout via ${f.via.padEnd(12)} target ${String(f.targetRate).padStart(4)}/s  achieved ${String(f.achievedRate).padStart(6)}/s  ` +
            `p50 ${f.p50Ms} ms  p95 ${f.p95Ms} ms  p99 ${f.p99Ms} ms  failed ${f.failed}  |  ` +
            `OrderPaid→notification ${f.notified}/${f.checkouts}: p50 ${f.notifyP50Ms} ms  p95 ${f.notifyP95Ms} ms  p99 ${f.notifyP99Ms} ms  (load ${f.loadAverage})\n` +
            `          CPU ms per checkout: ${Object.entries(f.cpuMsPerCheckout)
              .map(([name, ms]) => `${name} ${ms}`)
              .join(', ')}`,
        )
        .join('\n') +
      '\n',
  );
} finally {
  for (const [, shop] of shops) await shop.stop();
  for (const scratch of scratches) await scratch.drop();
}
