import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { expect } from 'vitest';
import type { FaultPausePoint } from '../../../core/fault-pause.ts';
import { connectTemporal, type TemporalClient } from '../../../workflows/client.ts';
import { startDailyPipeline } from '../../../workflows/start-workflows.ts';
import { type SmallShop, seedBigOrder } from '../../support/big-order.ts';
import { type EtlFixtures, etlTest } from '../../support/fixtures.ts';
import { type Scratch, scratchEnv } from '../../support/scratch.ts';
import { kill, startTechmarket, type TechmarketProcess } from '../../support/techmarket-process.ts';
import { waitUntil } from '../../support/wait-until.ts';
import { uniqueId } from '../../workflows/support/temporal-harness.ts';
import { expectWarehouseEqualsSources } from './invariants.ts';

/** A process the ETL fault scenarios break: `techmarket worker` or `techmarket etl …`. */
export type EtlProcess = TechmarketProcess;

function start(scratch: Scratch, args: readonly string[], env: Record<string, string>): EtlProcess {
  return startTechmarket(args, { ...scratchEnv(scratch), ...env });
}

export interface WorkerOptions {
  /** Commit the extract's COPY every this many rows (default the worker's own, 500,000). */
  commitEveryRows?: number;
  /** Stop the worker (SIGSTOP) at this point of a run (core/fault-pause.ts). */
  pauseAt?: FaultPausePoint;
  /** Activities at once: 1 keeps a worker that holds one from polling for (and swallowing) another. */
  maxActivities?: number;
}

export function startWorker(scratch: Scratch, taskQueue: string, options: WorkerOptions = {}): EtlProcess {
  return start(
    scratch,
    [
      'worker',
      '--task-queue',
      taskQueue,
      '--metrics-port',
      '0',
      '--sdk-metrics-port',
      '0',
      ...(options.commitEveryRows ? ['--commit-every-rows', String(options.commitEveryRows)] : []),
      ...(options.maxActivities ? ['--max-activities', String(options.maxActivities)] : []),
    ],
    options.pauseAt ? { TECHMARKET_FAULT_PAUSE_AT: options.pauseAt } : {},
  );
}

/** `techmarket <args>` (e.g. `etl run --local --json`) as a child process. */
export function startCli(scratch: Scratch, args: readonly string[], env: Record<string, string> = {}) {
  return start(scratch, args, env);
}

/** Waits until the process has stopped itself at a fault pause point (state T in /proc). */
export async function waitUntilPaused(proc: EtlProcess, seconds = 120): Promise<void> {
  await waitUntil(
    `process ${proc.child.pid} to reach its pause point`,
    () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`process exited (${proc.child.exitCode}) before pausing: ${proc.stderr()}`);
      }
      const stat = readFileSync(`/proc/${proc.child.pid}/stat`, 'utf8');
      // The state follows the command name in parentheses.
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
    },
    seconds,
    50,
  );
}

/** Waits until the process has written `text` to stderr; a failure shows what it did write. */
export async function waitForStderr(proc: EtlProcess, text: string, seconds = 90): Promise<void> {
  await waitUntil(`"${text}" on stderr`, () => proc.stderr().includes(text), seconds, 100).catch(
    (error: Error) => {
      throw new Error(`${error.message}; stderr was:\n${proc.stderr()}`);
    },
  );
}

/** Past the one-second safety lag the CLI and `techmarket worker` read with: rows written before are read. */
export const pastSafetyLag = () => new Promise((r) => setTimeout(r, 1_100));

type Query = (sql: string, values?: unknown[]) => Promise<pg.QueryResult>;

/**
 * After a fault and the recovery: no run still open, no run lock or load lock held in the warehouse,
 * no batch table left, no order line twice in fact_sales, and every fact row stamped by a run that
 * succeeded (a run that died never owns rows).
 */
export async function expectRunsSettled(query: Query, dwhName: string): Promise<void> {
  const { rows } = await query(
    `select
       (select count(*)::int from etl.runs where status = 'running') as open_runs,
       (select count(*)::int from pg_locks l join pg_database d on d.oid = l.database
         where l.locktype = 'advisory' and d.datname = $1) as advisory_locks,
       (select count(*)::int from pg_tables where schemaname = 'stg' and tablename ~ '__r[0-9]+$') as batches,
       (select count(*)::int - count(distinct order_item_id)::int from dwh.fact_sales) as duplicate_facts,
       (select count(*)::int from dwh.fact_sales f
         where not exists (select 1 from etl.runs r where r.run_id = f.etl_run_id and r.status = 'succeeded'))
         as facts_of_unsucceeded_runs`,
    [dwhName],
  );
  expect(rows[0]).toEqual({
    open_runs: 0,
    advisory_locks: 0,
    batches: 0,
    duplicate_facts: 0,
    facts_of_unsucceeded_runs: 0,
  });
}

/** The processes one test starts; each is killed when the test ends, so none works on the next one's runs. */
export interface TestProcesses {
  /** `techmarket worker` on the file's scratch, polling the file's task queue. */
  worker(options?: WorkerOptions): EtlProcess;
  /** `techmarket <args>` on the file's scratch. */
  cli(args: readonly string[], env?: Record<string, string>): EtlProcess;
}

export interface EtlProcessFixtures {
  /**
   * Seconds without a heartbeat before Temporal gives a run's load to a new attempt, for the runs
   * `startRun` starts (undefined: the workflow's own minute). A file whose scenario only needs that
   * timeout to pass sets a short one with `etlProcessTest.scoped(...)`.
   */
  transformHeartbeatSeconds: number | undefined;
  /** A small shop in the sources, loaded once: the scenarios are the incremental runs that follow. */
  shop: SmallShop;
  temporal: TemporalClient;
  /** The file's own task queue: no other file's worker takes its runs. */
  taskQueue: string;
  /** The scratch warehouse's database name, as pg_stat_activity and pg_locks name it. */
  dwhName: string;
  /** A query on the scratch warehouse. */
  query: Query;
  /** Starts the daily workflow on the file's task queue, under a new workflow id with this prefix. */
  startRun: (workflowIdPrefix: string) => ReturnType<typeof startDailyPipeline>;
  /**
   * The checks after every fault and its recovery — runs settled (expectRunsSettled) and the warehouse
   * equal to the sources — returning the scenario's summary row with what was checked.
   */
  expectSettled: (checked: string) => Promise<{ checked: string; rowsCompared: number }>;
  processes: TestProcesses;
}

/** Every fixture a test of `etlProcessTest` can ask for. */
export type EtlProcessWorld = EtlFixtures & EtlProcessFixtures;

/**
 * The world of the tests that break ETL processes (tests/faults/etl-*, the worker tests in
 * tests/workflows): the shared ETL fixtures plus the above, each made when a test first asks for it.
 */
export const etlProcessTest = etlTest.extend<EtlProcessFixtures>({
  transformHeartbeatSeconds: [undefined, { scope: 'file' }],
  shop: [
    async ({ writer, run }, use) => {
      const shop = await seedBigOrder(writer, 10);
      await run();
      await use(shop);
    },
    { scope: 'file' },
  ],
  temporal: [
    async ({ scratch }, use) => {
      const temporal = await connectTemporal(scratch.config);
      await use(temporal);
      await temporal.close();
    },
    { scope: 'file' },
  ],
  taskQueue: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixtures a fixture needs from this pattern
    async ({}, use) => {
      await use(uniqueId('etl-processes'));
    },
    { scope: 'file' },
  ],
  dwhName: [
    async ({ scratch }, use) => {
      await use(new URL(scratch.config.DWH_URL).pathname.slice(1));
    },
    { scope: 'file' },
  ],
  query: [
    async ({ deps }, use) => {
      await use((sql, values = []) => deps.warehouse.query(sql, values));
    },
    { scope: 'file' },
  ],
  startRun: [
    async ({ temporal, taskQueue, transformHeartbeatSeconds }, use) => {
      await use((prefix) =>
        startDailyPipeline(
          temporal.client,
          transformHeartbeatSeconds === undefined ? {} : { transformHeartbeatSeconds },
          { taskQueue, workflowId: uniqueId(prefix) },
        ),
      );
    },
    { scope: 'file' },
  ],
  expectSettled: [
    async ({ writer, deps, query, dwhName }, use) => {
      await use(async (checked) => {
        await expectRunsSettled(query, dwhName);
        return { checked, rowsCompared: await expectWarehouseEqualsSources(writer, deps.warehouse) };
      });
    },
    { scope: 'file' },
  ],
  processes: async ({ scratch, taskQueue }, use) => {
    const started: EtlProcess[] = [];
    const keep = (proc: EtlProcess) => {
      started.push(proc);
      return proc;
    };
    await use({
      worker: (options) => keep(startWorker(scratch, taskQueue, options)),
      cli: (args, env) => keep(startCli(scratch, args, env)),
    });
    for (const proc of started) await kill(proc);
  },
});
