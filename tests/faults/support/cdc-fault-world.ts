import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../../core/config.ts';
import type { FaultPausePoint } from '../../../core/fault-pause.ts';
import { REPO_ROOT } from '../../../core/paths.ts';
import { changeTopic, consumerGroup, switchTable } from '../../../pipeline/cdc/index.ts';
import {
  createPipelineDeps,
  type PipelineDeps,
  runPipeline,
  type SourceTable,
  selectSourceTables,
} from '../../../pipeline/index.ts';
import { dropCdcLeftovers, kafkaFor } from '../../cdc/cdc-support.ts';
import { createScratch, type Scratch, scratchEnv } from '../../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../../support/source-writer.ts';
import { waitUntil } from '../../support/wait-until.ts';
import { mirrorCounts, TEST_TABLES } from '../../support/warehouse-checks.ts';

/**
 * A scratch platform with three tables on the CDC path (customers, orders, order_items: a dimension
 * and both halves of the facts), fed by the shared Debezium and Kafka under this scratch's own
 * connector, topic and group names. The consumer runs as `techmarket cdc start`, a real process the
 * scenarios can kill.
 */
export const CDC_FAULT_TABLES: readonly SourceTable[] = selectSourceTables(
  ['orders.customers', 'orders.orders', 'orders.order_items'],
  TEST_TABLES,
);

export interface CdcFaultWorld {
  scratch: Scratch;
  writer: SourceWriter;
  deps: PipelineDeps;
  shop: Awaited<ReturnType<typeof seedSmallShop>>;
  topics: string[];
  close(): Promise<void>;
}

/** Seeds, loads by watermark, switches the three tables to CDC (Connect settings from `connect`). */
export async function startCdcFaultWorld(connect: Partial<Config> = {}): Promise<CdcFaultWorld> {
  const scratch = await createScratch();
  Object.assign(scratch.config, connect);
  const writer = new SourceWriter(scratch.config);
  const deps = createPipelineDeps(scratch.config);
  const shop = await seedSmallShop(writer);
  await placeOrder(writer, {
    customerId: shop.customers[0]!,
    employeeId: shop.employees[0]!,
    lines: [{ productId: shop.products[0]!, quantity: 1, unitPrice: '19999.99' }],
    paidWith: 'card',
  });
  await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
  for (const table of CDC_FAULT_TABLES) await switchTable(deps, table, 'cdc');
  return {
    scratch,
    writer,
    deps,
    shop,
    topics: CDC_FAULT_TABLES.map((t) => changeTopic(scratch.config, t)),
    async close() {
      await dropCdcLeftovers(scratch.config, CDC_FAULT_TABLES).catch(() => {});
      await deps.close();
      await writer.close();
      await scratch.drop();
    },
  };
}

/** The environment `techmarket` needs to work on the scratch (and the Connect worker it was given). */
export function cdcEnv(config: Config): NodeJS.ProcessEnv {
  return {
    ...scratchEnv({ config } as Scratch),
    KAFKA_BROKERS: config.KAFKA_BROKERS,
    KAFKA_CONNECT_URL: config.KAFKA_CONNECT_URL,
    LOG_LEVEL: 'info',
  };
}

export interface ConsumerProcess {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves when its output contains `text`. */
  waitFor(text: string, seconds?: number): Promise<void>;
  /** Whether it is stopped at its fault point now. */
  paused(): boolean;
  /** Resolves once it has stopped itself at its fault point (core/fault-pause.ts: SIGSTOP). */
  waitUntilPaused(seconds?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A process's state letter from /proc (T: stopped by a signal). */
const processState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];

/** `techmarket cdc start` on the scratch (with more `flags`), optionally told to pause at a fault point. */
export function startConsumerProcess(
  config: Config,
  pauseAt?: FaultPausePoint,
  flags: readonly string[] = [],
): ConsumerProcess {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/techmarket.js'),
      'cdc',
      'start',
      '--metrics-port',
      '0',
      '--max-wait-ms',
      '100',
      ...flags,
    ],
    {
      cwd: REPO_ROOT,
      env: { ...cdcEnv(config), ...(pauseAt ? { TECHMARKET_FAULT_PAUSE_AT: pauseAt } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    async waitFor(wanted, seconds = 90) {
      const deadline = Date.now() + seconds * 1000;
      while (!text.includes(wanted)) {
        if (child.exitCode !== null) throw new Error(`the consumer exited ${child.exitCode}: ${text}`);
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for "${wanted}" from the consumer; it wrote: ${text.slice(-800)}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    paused: () => processState(child.pid!) === 'T',
    async waitUntilPaused(seconds = 90) {
      const deadline = Date.now() + seconds * 1000;
      while (processState(child.pid!) !== 'T') {
        if (child.exitCode !== null) throw new Error(`the consumer exited ${child.exitCode}: ${text}`);
        if (Date.now() > deadline)
          throw new Error(
            `the consumer did not reach its fault point in ${seconds} s; it wrote: ${text.slice(-800)}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** What the consumer says once it runs (it follows a change topic once Debezium has created it). */
export const STARTED = 'cdc consumer started';

/** Per topic: the next offset the warehouse will apply (etl.cdc_offsets). */
export async function storedOffsets(world: CdcFaultWorld): Promise<Map<string, bigint>> {
  const { rows } = await world.deps.warehouse.query<{ topic: string; next_offset: string }>(
    'select topic, next_offset::text from etl.cdc_offsets where partition = 0',
  );
  return new Map(rows.map((r) => [r.topic, BigInt(r.next_offset)]));
}

/** Per topic: the offset the consumer group committed in Kafka (-1 when none). */
export async function groupOffsets(world: CdcFaultWorld): Promise<Map<string, bigint>> {
  const admin = kafkaFor(world.scratch.config).admin();
  await admin.connect();
  try {
    const result = await admin.fetchOffsets({
      groupId: consumerGroup(world.scratch.config),
      topics: world.topics,
    });
    return new Map(result.map((t) => [t.topic, BigInt(t.partitions[0]!.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Per topic: its end offset in Kafka. */
export async function endOffsets(world: CdcFaultWorld): Promise<Map<string, bigint>> {
  const admin = kafkaFor(world.scratch.config).admin();
  await admin.connect();
  try {
    const ends = new Map<string, bigint>();
    for (const topic of world.topics)
      ends.set(topic, BigInt((await admin.fetchTopicOffsets(topic))[0]!.high));
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Per CDC table: the events the warehouse has applied (counted in the transaction that applied them). */
export async function eventsApplied(world: CdcFaultWorld): Promise<number> {
  const { rows } = await world.deps.warehouse.query<{ n: string }>(
    'select coalesce(sum(events_applied), 0)::text as n from etl.cdc_table_status',
  );
  return Number(rows[0]!.n);
}

/**
 * Waits until the warehouse's stored offsets reach every change topic's end, then (as long again) until
 * the mirrors meet the sources (Debezium may still be publishing); what is still different then is for the caller's checks to name.
 */
export async function caughtUp(world: CdcFaultWorld, seconds = 120): Promise<void> {
  await waitUntil(
    'the CDC consumer to reach the end of every change topic',
    async () => {
      // A change topic appears with Debezium's first event on it: until then, not caught up.
      const ends = await endOffsets(world).catch(() => null);
      if (!ends) return false;
      const stored = await storedOffsets(world);
      return [...ends].every(([topic, end]) => (stored.get(topic) ?? -1n) >= end);
    },
    seconds,
  );
  await waitUntil(
    'the mirrors to meet the sources',
    async () => (await mirrorCounts(world.writer, world.deps.warehouse)).every((c) => c.mirror === c.source),
    seconds,
  ).catch(() => {});
}

/** A burst of source changes on all three CDC tables: `n` orders and a city change per order. */
export async function changeSources(world: CdcFaultWorld, n: number, tag: string): Promise<void> {
  const { writer, shop } = world;
  for (let i = 0; i < n; i++) {
    await placeOrder(writer, {
      customerId: shop.customers[i % 2]!,
      employeeId: shop.employees[i % 2]!,
      lines: [
        { productId: shop.products[0]!, quantity: 1 + (i % 3), unitPrice: '19999.99' },
        { productId: shop.products[1]!, quantity: 1, unitPrice: '299.50', discount: '5.00' },
      ],
      // No payment row: payments is not on the CDC path, and the mirrors must meet the sources.
      status: 'paid',
    });
    await writer.exec('orders', 'UPDATE customers SET city = ? WHERE id = ?', [
      `${tag} ${i}`,
      shop.customers[i % 2],
    ]);
  }
}
