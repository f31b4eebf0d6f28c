/**
 * `npm run bench:cdc [-- --scale 10] [--rate 1000] [--seconds 30] [--max-load-events N]`: the CDC path on scratch databases.
 * 1. Catch-up: the big tables are switched to CDC before anything is loaded, so their new connectors
 *    snapshot them; timed separately are Debezium's snapshot into Kafka, a bare kafkajs read of the
 *    same messages, and the consumer applying them to the warehouse (events/s each): the slowest is
 *    the bottleneck.
 * 2. Lag: `rate` row changes per second (customer updates and order lines) for `seconds`; per applied
 *    row, warehouse commit minus the row's updated_at; p50/p99 printed.
 * Figures depend on the machine and on what else runs on it.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createKafka } from '../connectors/cdc/index.ts';
import { seedDemoData } from '../demo/index.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';
import { changeTopic, DEFAULT_MAX_LOAD_EVENTS, runCdcConsumer, switchTable } from '../pipeline/cdc/index.ts';
import { createPipelineDeps, runPipeline, SOURCE_TABLES, selectSourceTables } from '../pipeline/index.ts';
import { dropCdcLeftovers } from '../tests/cdc/cdc-support.ts';
import { SourceWriter } from '../tests/support/source-writer.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    'max-load-events': { type: 'string' },
  },
  strict: true,
});
const scale = z.coerce.number().positive().max(100).default(1).parse(values.scale);
const rate = z.coerce.number().int().min(10).max(20_000).default(1_000).parse(values.rate);
const seconds = z.coerce.number().int().min(5).max(600).default(30).parse(values.seconds);
const maxLoadEvents = z.coerce
  .number()
  .int()
  .positive()
  .default(DEFAULT_MAX_LOAD_EVENTS)
  .parse(values['max-load-events']);

const TABLES = SOURCE_TABLES.map((t) => ({ ...t, safetyLagSeconds: 0 }));
const CDC = selectSourceTables(
  ['orders.customers', 'orders.orders', 'orders.order_items', 'catalog.products', 'payments.payments'],
  TABLES,
);
const say = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

say(`== scale ${scale}: seeding scratch databases`);
const scratch = await createScratch();
const deps = createPipelineDeps(scratch.config);
const writer = new SourceWriter(scratch.config);
const kafka = createKafka(scratch.config.KAFKA_BROKERS.split(','), 'techmarket-bench-cdc');
const admin = kafka.admin();
await admin.connect();
const stop = new AbortController();
let consumer: Promise<void> | undefined;
let consumerDeps: ReturnType<typeof createPipelineDeps> | undefined;
try {
  await seedDemoData(scratch.config, {
    scale,
    seed: 'bench',
    anchorDay: '2025-06-15',
    reset: false,
    quiet: true,
  });
  let sourceRows = 0;
  for (const t of CDC) {
    const [row] = await writer.rows<{ n: number }>(
      t.database as never,
      `SELECT COUNT(*) AS n FROM \`${t.table}\``,
    );
    sourceRows += Number(row!.n);
  }
  const topics = CDC.map((t) => changeTopic(scratch.config, t));
  const inKafka = async () => {
    let n = 0;
    const existing = new Set(await admin.listTopics());
    for (const topic of topics) {
      if (existing.has(topic)) for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high);
    }
    return n;
  };

  say(`snapshot: ${fmt(sourceRows)} rows in ${CDC.length} tables through Debezium into Kafka`);
  const snapStart = performance.now();
  for (const t of CDC) await switchTable(deps, t, 'cdc');
  while ((await inKafka()) < sourceRows) await new Promise((r) => setTimeout(r, 250));
  const snapSeconds = (performance.now() - snapStart) / 1000;
  say(`  ${snapSeconds.toFixed(1)}s, ${fmt(sourceRows / snapSeconds)} events/s`);

  say('bare kafkajs read of the same messages (JSON.parse each)');
  const readStart = performance.now();
  let read = 0;
  const probe = kafka.consumer({
    groupId: `bench-read-${scratch.suffix}`,
    maxBytes: 64 << 20,
    maxBytesPerPartition: 16 << 20,
  });
  await probe.connect();
  await probe.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void probe.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (m.value) JSON.parse(m.value.toString());
        read += batch.messages.length;
        if (read >= sourceRows) resolve();
      },
    });
  });
  const readSeconds = (performance.now() - readStart) / 1000;
  say(`  ${readSeconds.toFixed(1)}s, ${fmt(sourceRows / readSeconds)} events/s`);
  await probe.disconnect();

  say('consumer: applying the snapshot to the warehouse');
  const lags: number[] = [];
  let lagFrom = Number.POSITIVE_INFINITY;
  let applied = 0;
  let batches = 0;
  const spent = { decodeMs: 0, stageMs: 0, transformMs: 0 };
  // The transform by step, summed over the catch-up batches and (separately) over the lag phase's.
  const catchUpSteps: Record<string, number> = {};
  const lagSteps: Record<string, number> = {};
  const lagBatchSizes: number[] = [];
  const catchUpLoads: number[] = [];
  const addSteps = (into: Record<string, number>, steps: Record<string, number>) => {
    for (const [step, ms] of Object.entries(steps)) into[step] = (into[step] ?? 0) + ms;
  };
  consumerDeps = createPipelineDeps(scratch.config);
  const applyStart = performance.now();
  consumer = runCdcConsumer(consumerDeps, stop.signal, {
    tables: TABLES,
    maxBatchMessages: 100_000,
    maxBatchMs: 100,
    maxLoadEvents,
    pollMs: 200,
    onBatch: (o) => {
      applied += o.events;
      batches++;
      if (applied <= sourceRows) {
        catchUpLoads.push(o.events);
        spent.decodeMs += o.timings.decodeMs;
        spent.stageMs += o.timings.stageMs;
        spent.transformMs += o.timings.transformMs;
        addSteps(catchUpSteps, o.timings.transformSteps);
      } else if (lagFrom !== Number.POSITIVE_INFINITY) {
        addSteps(lagSteps, o.timings.transformSteps);
        lagBatchSizes.push(o.events);
      }
      for (const at of o.sourceTimesMs) if (at >= lagFrom) lags.push(o.committedAt - at);
    },
  });
  consumer.catch((error) => say(`consumer failed: ${error.message}`));
  while (applied < sourceRows) await new Promise((r) => setTimeout(r, 100));
  const applySeconds = (performance.now() - applyStart) / 1000;
  const catchUpBatches = batches;
  const split = `decode ${(spent.decodeMs / 1000).toFixed(1)}s, COPY ${(spent.stageMs / 1000).toFixed(1)}s, transform ${(spent.transformMs / 1000).toFixed(1)}s`;
  say(
    `  ${applySeconds.toFixed(1)}s, ${fmt(sourceRows / applySeconds)} events/s in ${batches} loads (${split})`,
  );
  // The small tables through watermarks (after the catch-up: the run's quality gate compares the
  // facts with the sources).
  await runPipeline(deps, { tables: TABLES, kind: 'incremental', trigger: 'bench' });

  say(`lag: ${rate} changes/s for ${seconds}s`);
  const [{ ids }] = (await writer.rows<{ ids: number }>(
    'orders',
    'SELECT MAX(id) AS ids FROM customers',
  )) as [{ ids: number }];
  const [{ pid }] = (await writer.rows<{ pid: number }>(
    'catalog',
    'SELECT MAX(id) AS pid FROM products',
  )) as [{ pid: number }];
  const [{ oid }] = (await writer.rows<{ oid: number }>('orders', 'SELECT MAX(id) AS oid FROM orders')) as [
    { oid: number },
  ];
  lagFrom = Date.now();
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const end = Date.now() + seconds * 1000;
  let changes = 0;
  for (let next = Date.now(); Date.now() < end; next += tickMs) {
    // Two statements a tick, each changing many rows: one commit (and binlog fsync) per statement,
    // as a service's transaction would, instead of one per row (which this disk caps near 200/s).
    const updates = Math.floor(perTick / 2);
    const inserts = perTick - updates;
    const customerIds = Array.from({ length: updates }, (_, k) => 1 + ((changes + k) % ids));
    const lines = Array.from({ length: inserts }, (_, k) => [
      1 + ((changes + k) % oid),
      1 + ((changes + k) % pid),
    ]);
    changes += perTick;
    const writes: Promise<unknown>[] = [
      writer.exec(
        'orders',
        `UPDATE customers SET phone = ? WHERE id IN (${customerIds.map(() => '?').join(',')})`,
        [`+380${changes}`, ...customerIds],
      ),
      writer.exec(
        'orders',
        `INSERT INTO order_items (order_id, product_id, quantity, unit_price, discount_amount) VALUES ${lines.map(() => '(?, ?, 1, 10.00, 0.00)').join(', ')}`,
        lines.flat(),
      ),
    ];
    await Promise.all(writes);
    const wait = next + tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const drained = Date.now() + 30_000;
  while (lags.length < changes && Date.now() < drained) await new Promise((r) => setTimeout(r, 100));

  const stepLine = (steps: Record<string, number>, per: number) =>
    Object.entries(steps)
      .sort((a, b) => b[1] - a[1])
      .map(([step, ms]) => `${step} ${(ms / per).toFixed(ms / per < 10 ? 1 : 0)}`)
      .join(', ');
  const lines = [
    `CDC at scale ${scale} (${fmt(sourceRows)} rows in ${CDC.length} tables; shared 2-core machine)`,
    `  Debezium snapshot into Kafka   ${snapSeconds.toFixed(1)}s  ${fmt(sourceRows / snapSeconds)} events/s`,
    `  kafkajs read + JSON.parse      ${readSeconds.toFixed(1)}s  ${fmt(sourceRows / readSeconds)} events/s`,
    `  consumer applied (catch-up)    ${applySeconds.toFixed(1)}s  ${fmt(sourceRows / applySeconds)} events/s in ${catchUpBatches} loads (${split})`,
    `  lag at ${rate}/s for ${seconds}s: ${fmt(changes)} changes written (${fmt(changes / seconds)}/s achieved), ${fmt(lags.length)} applied; p50 ${(quantile(lags, 0.5) / 1000).toFixed(2)}s, p90 ${(quantile(lags, 0.9) / 1000).toFixed(2)}s, p99 ${(quantile(lags, 0.99) / 1000).toFixed(2)}s, max ${(Math.max(...lags) / 1000).toFixed(2)}s`,
    `  catch-up loads (events each): ${catchUpLoads.map(fmt).join(', ')}`,
    `  catch-up transform by step (s): ${stepLine(catchUpSteps, 1000)}`,
    `  lag phase: ${lagBatchSizes.length} batches, events per batch p50 ${quantile(lagBatchSizes, 0.5)} max ${Math.max(0, ...lagBatchSizes)}; transform per batch by step (ms): ${stepLine(lagSteps, Math.max(1, lagBatchSizes.length))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  stop.abort();
  await consumer?.catch(() => {});
  await consumerDeps?.close();
  await admin.disconnect();
  await dropCdcLeftovers(scratch.config, CDC).catch(() => {});
  await deps.close();
  await writer.close();
  await scratch.drop();
}
