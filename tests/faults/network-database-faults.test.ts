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
import { scenario } from './support/summary.ts';
import { configThrough, type FaultProxy, openProxy } from './support/toxiproxy.ts';

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
        fault: 'toxiproxy reset_peer on MariaDB after the first chunk',
      },
      async () => {
        const before = await warehouseState(inspect);
        let reset: Promise<string> | undefined;
        const failure = await runThroughProxies({
          rows(_table, rowsSoFar) {
            if (rowsSoFar > 0 && !reset)
              reset = mysqlProxy.add({ type: 'reset_peer', attributes: { timeout: 0 } });
          },
        }).catch((error: unknown) => error);
        await reset;
        expect(reset, 'the extract streamed rows before the reset').toBeDefined();
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
});
