import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explainUnreachable } from '../../cli/unreachable-server.ts';
import { describeError } from '../../core/errors.ts';
import { seedDemoData, simulateDays } from '../../demo/index.ts';
import {
  createPipelineDeps,
  type ExtractTuning,
  type PipelineProgress,
  type PipelineRunSummary,
  runPipeline,
} from '../../pipeline/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import {
  expectRunLockReleased,
  lastRun,
  runBatchTables,
  type WarehouseState,
  warehouseState,
} from './support/run-leftovers.ts';
import { fillableTablespace } from './support/small-tablespace.ts';
import { scenario } from './support/summary.ts';
import { configThrough, type FaultProxy, openProxy, type ToxicSpec } from './support/toxiproxy.ts';

/** Small chunks, so a source table streams in several pieces and a fault can land between them. */
const TUNING: Partial<ExtractTuning> = { pageRows: 2_000, chunkRows: 250 };

describe('scenario 2: the database connections break during a run', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  /** Direct to the scratch warehouse: what the test checks with, never through a proxy. */
  let inspect: pg.Pool;
  let pgProxy: FaultProxy;
  let mysqlProxy: FaultProxy;
  let day = 0;

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    inspect = new pg.Pool({ connectionString: scratch.config.DWH_URL, max: 2 });
    pgProxy = await openProxy('faults-net-pg', scratch.config.DWH_URL);
    mysqlProxy = await openProxy('faults-net-mysql', scratch.config.ORDERS_DB_URL);
    await seedDemoData(scratch.config, {
      scale: 0.03,
      seed: 'faults-net',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
  });
  afterAll(async () => {
    await pgProxy?.close();
    await mysqlProxy?.close();
    await inspect?.end();
    await writer?.close();
    await scratch?.drop();
  });

  // A scenario that failed half-way must not leave its toxics to the next one.
  afterEach(async () => {
    await pgProxy.heal();
    await mysqlProxy.heal();
  });

  /** The settings the platform under test is given: warehouse and sources through the proxies. */
  const proxied = () => configThrough(scratch.config, { warehouse: pgProxy, sources: mysqlProxy });

  /** One run of the pipeline with the warehouse and the sources reached through the proxies. */
  async function runThroughProxies(progress?: Partial<PipelineProgress>): Promise<PipelineRunSummary> {
    const deps = createPipelineDeps(proxied(), TUNING);
    try {
      return await runPipeline(
        deps,
        { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' },
        { phase() {}, rows() {}, step() {}, ...progress },
      );
    } finally {
      await deps.close();
    }
  }

  /** The error as `techmarket etl run` prints it (cli/main.ts), for an operator. */
  function asOperatorSees(error: unknown): string {
    return describeError(explainUnreachable(error, proxied()) ?? error);
  }

  /** New source changes, so the next run has something to extract and merge. */
  async function someChanges(): Promise<void> {
    day++;
    const simulated = await simulateDays(scratch.config, { days: 1, seed: `faults-net-${day}`, quiet: true });
    expect(simulated.totals.orders_created).toBeGreaterThan(0);
  }

  /**
   * After a run the fault broke: nothing it did is visible (star schema, mirrors, watermarks as
   * before), its lock is free; then, healed, the next run succeeds, clears the broken run's batches,
   * and the warehouse equals the sources.
   */
  async function expectNothingHalfWrittenThenRecovery(
    before: WarehouseState,
    failedRunId: number,
  ): Promise<number> {
    expect(await warehouseState(inspect), 'warehouse after the failed run').toEqual(before);
    await expectRunLockReleased(inspect, failedRunId);
    await pgProxy.heal();
    await mysqlProxy.heal();
    const next = await runThroughProxies();
    expect(next.runId).toBeGreaterThan(failedRunId);
    const { rows } = await inspect.query<{ status: string }>(
      'select status from etl.runs where run_id = $1',
      [failedRunId],
    );
    expect(rows[0]!.status, `run ${failedRunId} after the next run`).toBe('failed');
    expect(await runBatchTables(inspect, failedRunId), 'batch tables of the failed run').toEqual([]);
    return expectWarehouseEqualsSources(writer, inspect);
  }

  it('MariaDB connection reset mid-stream: the first load fails naming the source, nothing is loaded', async () => {
    await scenario(
      {
        scenario: '2. MariaDB connection reset mid-stream',
        fault: 'toxiproxy reset_peer on MariaDB after the first chunk of order_items',
      },
      async () => {
        const before = await warehouseState(inspect);
        let reset: Promise<string> | undefined;
        let resetAfterRows = 0;
        const failure = await runThroughProxies({
          // order_items streams in many chunks: reset after its first, while the rest is on the wire
          rows(table, rowsSoFar) {
            if (table !== 'orders.order_items' || rowsSoFar === 0 || reset) return;
            resetAfterRows = rowsSoFar;
            reset = mysqlProxy.add({ type: 'reset_peer', attributes: { timeout: 0 } });
          },
        }).catch((error: unknown) => error);
        await reset;
        expect(reset, 'order_items streamed rows before the reset').toBeDefined();
        const [lines] = await writer.rows<{ n: number }>('orders', 'SELECT COUNT(*) AS n FROM order_items');
        expect(resetAfterRows, 'rows of order_items read when the reset came').toBeLessThan(Number(lines!.n));
        expect(failure).toBeInstanceOf(Error);
        const message = asOperatorSees(failure);
        expect(message).toMatch(
          /^the connection to the source database (auth|orders|catalog|payments|notifications) \(\w+_DB_URL\) broke during the run: /,
        );
        expect(message).toMatch(/→ .*all of this run or none of it.*run it again/);
        const failed = await lastRun(inspect);
        expect(failed.status).toBe('failed');
        expect(await runBatchTables(inspect, failed.runId), 'batch tables right after the failure').toEqual(
          [],
        );
        const rowsCompared = await expectNothingHalfWrittenThenRecovery(before, failed.runId);
        return {
          checked: `error: ${message.split('\n')[0]}; nothing loaded; then warehouse = sources`,
          rowsCompared,
        };
      },
    );
  });

  it('PostgreSQL connection reset mid-merge: the transaction rolls back, watermarks stay', async () => {
    await someChanges();
    await scenario(
      {
        scenario: '2. PostgreSQL connection reset mid-merge',
        fault: 'toxiproxy reset_peer on PostgreSQL at the first merge',
      },
      async () => {
        const before = await warehouseState(inspect);
        let reset: Promise<string> | undefined;
        const failure = await runThroughProxies({
          step(target) {
            if (target.startsWith('stg ') && !reset)
              reset = pgProxy.add({ type: 'reset_peer', attributes: { timeout: 0 } });
          },
        }).catch((error: unknown) => error);
        await reset;
        expect(reset, 'the run reached the merge').toBeDefined();
        expect(failure).toBeInstanceOf(Error);
        const message = asOperatorSees(failure);
        expect(message).toMatch(/^the connection to the warehouse \(DWH_URL\) broke during the run: /);
        expect(message).toMatch(/→ .*all of this run or none of it.*run it again/);
        const failedRunId = (await lastRun(inspect)).runId;
        const rowsCompared = await expectNothingHalfWrittenThenRecovery(before, failedRunId);
        return {
          checked: `error: ${message.split('\n')[0]}; star, mirrors, watermarks unchanged; then = sources`,
          rowsCompared,
        };
      },
    );
  });

  /** Adds `toxic` once the run reaches `when`, and removes it `forMs` later: a stretch of bad network. */
  function toxicStretch(proxy: FaultProxy, toxic: ToxicSpec, forMs: number) {
    let stretch: Promise<void> | undefined;
    return {
      start() {
        stretch ??= (async () => {
          await proxy.add(toxic);
          await new Promise((r) => setTimeout(r, forMs));
          await proxy.heal();
        })();
      },
      get started() {
        return stretch !== undefined;
      },
      done: () => stretch,
    };
  }

  it('latency of seconds on MariaDB and then on PostgreSQL: the run completes, the result is equal', async () => {
    await someChanges();
    await scenario(
      {
        scenario: '2. latency of seconds on either database',
        fault: 'toxiproxy latency 2 s ±0.5 s, 5 s on MariaDB at the extract, then on PostgreSQL at the merge',
      },
      async () => {
        const onSources = toxicStretch(
          mysqlProxy,
          { type: 'latency', attributes: { latency: 2_000, jitter: 500 } },
          5_000,
        );
        const onWarehouse = toxicStretch(
          pgProxy,
          { type: 'latency', attributes: { latency: 2_000, jitter: 500 } },
          5_000,
        );
        const started = performance.now();
        const summary = await runThroughProxies({
          phase(name) {
            if (name === 'extract') onSources.start();
          },
          step(target) {
            if (target.startsWith('stg ')) onWarehouse.start();
          },
        });
        const seconds = (performance.now() - started) / 1000;
        await onSources.done();
        await onWarehouse.done();
        expect(onSources.started && onWarehouse.started, 'both stretches of latency happened').toBe(true);
        expect(seconds, 'the run waited through the latency').toBeGreaterThan(3);
        expect((await lastRun(inspect)).status).toBe('succeeded');
        expect(summary.extracts.reduce((n, e) => n + e.rows, 0)).toBeGreaterThan(0);
        const rowsCompared = await expectWarehouseEqualsSources(writer, inspect);
        return { checked: `run succeeded in ${seconds.toFixed(1)} s; warehouse = sources`, rowsCompared };
      },
    );
  });

  it('a bandwidth limit on both databases: a whole first load completes, the result is equal', async () => {
    await scenario(
      {
        scenario: '2. bandwidth limit',
        fault: 'toxiproxy bandwidth 1 MB/s on MariaDB → ETL and ETL → PostgreSQL, a first load',
      },
      async () => {
        // A second, empty warehouse over the same sources: the limit then bites on every row there is.
        const fresh = await createScratch({ sourcesOf: scratch });
        const freshPool = new pg.Pool({ connectionString: fresh.config.DWH_URL, max: 2 });
        try {
          await mysqlProxy.add({ type: 'bandwidth', attributes: { rate: 1024 } }, 'downstream');
          await pgProxy.add({ type: 'bandwidth', attributes: { rate: 1024 } }, 'upstream');
          const deps = createPipelineDeps(
            configThrough(fresh.config, { warehouse: pgProxy, sources: mysqlProxy }),
            TUNING,
          );
          const started = performance.now();
          const summary = await runPipeline(deps, {
            tables: TEST_TABLES,
            kind: 'incremental',
            trigger: 'test',
          }).finally(() => deps.close());
          const seconds = (performance.now() - started) / 1000;
          expect(summary.transform.incremental, 'a first load').toBe(false);
          expect((await lastRun(freshPool)).status).toBe('succeeded');
          const extracted = summary.extracts.reduce((n, e) => n + e.rows, 0);
          expect(extracted).toBeGreaterThan(10_000);
          const rowsCompared = await expectWarehouseEqualsSources(writer, freshPool);
          return {
            checked: `${extracted} rows in ${seconds.toFixed(1)} s; warehouse = sources`,
            rowsCompared,
          };
        } finally {
          await freshPool.end();
          await fresh.drop();
        }
      },
    );
  });

  it('the warehouse disk full: the run fails saying so, nothing is half-written', async () => {
    await someChanges();
    await scenario(
      {
        scenario: '2. warehouse disk full',
        fault: "a 64 KiB tmpfs tablespace as the warehouse's default (real ENOSPC)",
      },
      async () => {
        const database = new URL(scratch.config.DWH_URL).pathname.slice(1);
        const owner = decodeURIComponent(new URL(scratch.config.DWH_URL).username);
        const before = await warehouseState(inspect);
        const tablespace = await fillableTablespace(database, owner, 64);
        try {
          const failure = await runThroughProxies().catch((error: unknown) => error);
          expect(failure).toBeInstanceOf(Error);
          const message = asOperatorSees(failure);
          expect(message).toMatch(
            /^the warehouse's disk is full: could not extend file .*No space left on device/,
          );
          expect(message).toMatch(/→ free space .*run again.*nothing of this one was committed/);
          const failed = await lastRun(inspect);
          expect(failed.status).toBe('failed');
          expect(await runBatchTables(inspect, failed.runId), 'batch tables right after the failure').toEqual(
            [],
          );
          await tablespace.release();
          const rowsCompared = await expectNothingHalfWrittenThenRecovery(before, failed.runId);
          return {
            checked: `error: ${message.split('\n')[0]}; nothing loaded; then = sources`,
            rowsCompared,
          };
        } finally {
          await tablespace.release().catch(() => {});
          await tablespace.remove();
        }
      },
    );
  });
});
