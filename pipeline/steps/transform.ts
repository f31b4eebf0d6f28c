import type pg from 'pg';
import {
  adoptBatchAsMirror,
  advanceWatermark,
  analyzeIfStale,
  batchTable,
  countFrom,
  deferIndexes,
  dropBatch,
  ensureMirror,
  finishStep,
  getStep,
  type ModelResult,
  mergeBatch,
  mirrorTable,
  runModel,
  startStep,
  stopKeyRangeTracking,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, SOURCE_TABLES, type SourceTable, stagingSpec } from '../source-tables.ts';
import { type BatchAdoption, startBatchAdoption } from './batch-adoption.ts';
import type { ExtractStepDetail } from './extract-table.ts';
import { readSourceKeyRanges, reconcileDeletes, trackMirrorKeyRanges } from './reconcile-deletes.ts';

/** Dimensions in build order: type 1 first (the type 2 rows and the facts look them up). */
const DIMENSION_MODELS = [
  'dim_region',
  'dim_category',
  'dim_payment_method',
  'dim_employee',
  'dim_customer',
  'dim_product',
] as const;

const TRANSFORM_LOCK = 'techmarket.transform';
const FACT_MODEL = 'fact_sales';

export interface TransformInput {
  runId: number;
  kind: 'incremental' | 'backfill';
  tables: readonly SourceTable[];
}

export interface TargetCounts {
  target: string;
  inserted: number;
  updated: number;
  deleted: number;
  merged: number;
  durationMs: number;
}

export interface TransformResult {
  incremental: boolean;
  targets: TargetCounts[];
}

export interface TransformHooks {
  onStep?: (target: string) => void;
  /**
   * Called once while the fact is built, when the transform's second connection has finished its
   * staging indexes: the fact's one statement leaves the other core to the caller from then on.
   */
  onSpareCore?: () => void;
  /** In the transaction, after the batches are in the mirrors and before the models (CDC's deletes). */
  afterStaging?: (client: pg.ClientBase) => Promise<void>;
  /** In the transaction, just before it commits (CDC's offsets commit with the data they cover). */
  beforeCommit?: (client: pg.ClientBase) => Promise<void>;
}

/**
 * Everything after the extracts, in one PostgreSQL transaction: hard-delete reconciliation, batch →
 * mirror merges, dimensions, inferred members, fact_sales, the watermarks and the audit rows. A run
 * that dies here leaves the warehouse as it was and the next run repeats it exactly.
 */
export async function transform(
  deps: PipelineDeps,
  input: TransformInput,
  { onStep = () => {}, onSpareCore = () => {}, afterStaging, beforeCommit }: TransformHooks = {},
): Promise<TransformResult> {
  const client = await deps.warehouse.connect();
  const targets: TargetCounts[] = [];
  let adoption: BatchAdoption | undefined;
  try {
    const extracts = new Map<string, ExtractStepDetail>();
    for (const table of input.tables) {
      const step = await getStep(client, input.runId, 'extract', qualifiedName(table));
      if (step?.status !== 'succeeded') {
        throw new Error(
          `extract of ${qualifiedName(table)} did not finish in run ${input.runId}: run the extract first`,
        );
      }
      extracts.set(qualifiedName(table), step.detail as unknown as ExtractStepDetail);
    }
    // A resumed extract may hold a row twice: its batch is merged (deduplicated), never adopted.
    const dedupe = (table: SourceTable) =>
      extracts.get(qualifiedName(table))!.resumed || table.mode === 'cdc';
    adoption = await startBatchAdoption(
      deps,
      input.runId,
      input.tables.map((table) => ({ table, dedupe: dedupe(table) })),
    );

    // Hard-delete reconciliation of merged (not adopted) batches: the source's side as the extract
    // read it, or (an extract from before it did) read now, beside the merges.
    const adopted = adoption.batches;
    const adoptedKeyRanges = adoption.keyRanges;
    const sourceKeyReads = new Map(
      input.kind === 'incremental'
        ? input.tables
            .filter((table) => table.detectHardDeletes && !adopted.has(qualifiedName(table)))
            .map((table) => {
              const read = extracts.get(qualifiedName(table))!.sourceKeyRanges;
              const ranges = read
                ? Promise.resolve(new Map(Object.entries(read)))
                : readSourceKeyRanges(deps, table);
              ranges.catch(() => {});
              return [qualifiedName(table), ranges] as const;
            })
        : [],
    );

    await client.query('begin');
    // The models read every configured mirror, also of tables this run did not extract (or a first
    // run limited with --tables): make sure each exists, empty if never loaded.
    for (const table of SOURCE_TABLES) {
      await ensureMirror(client, deps.renderer, stagingSpec(table));
      if (!table.detectHardDeletes) await stopKeyRangeTracking(client, stagingSpec(table));
    }
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [TRANSFORM_LOCK]);
    // Big merges: let this transaction's sorts and hashes stay in memory.
    await client.query("set local work_mem = '256MB'");
    // JIT compiles every big statement anew and has not paid for itself on these merges.
    await client.query('set local jit = off');
    // The warehouse's working set is in memory (or on SSD): at the default 4 an incremental merge of a
    // day's rows hashes the whole mirror or fact instead of looking its keys up (1.5 s against 0.05 s).
    await client.query('set local random_page_cost = 1.1');

    /** Lands one table's batch in its mirror (merged or adopted), audited as its 'merge' step. */
    const stagingStep = async (name: string, land: () => Promise<{ merged: number; deleted: number }>) => {
      onStep(`stg ${name}`);
      const started = performance.now();
      await startStep(client, input.runId, 'merge', name);
      const { merged, deleted } = await land();
      await finishStep(client, input.runId, 'merge', name, { rows_merged: merged, rows_deleted: deleted });
      targets.push({
        target: `stg.${name}`,
        inserted: 0,
        updated: 0,
        merged,
        deleted,
        durationMs: performance.now() - started,
      });
    };

    const batches: Record<string, string> = {};
    // First loads: the models read the batches that become the mirrors once their indexes are built.
    const sources: Record<string, string> = {};
    const batchesToDrop: string[] = [];
    for (const table of input.tables) {
      const name = qualifiedName(table);
      const batch = batchTable(table.database, table.table, input.runId);
      batches[name] = batch;
      if (adoption.batches.has(name)) {
        sources[name] = batch;
        continue;
      }
      await stagingStep(name, async () => {
        const merged = await mergeBatch(
          client,
          deps.renderer,
          stagingSpec(table),
          batch,
          input.runId,
          dedupe(table),
        );
        const sourceKeys = sourceKeyReads.get(name);
        const deleted = sourceKeys ? await reconcileDeletes(deps, client, table, input.runId, sourceKeys) : 0;
        batchesToDrop.push(batch);
        await analyzeIfStale(client, mirrorTable(table.database, table.table), merged + deleted);
        return { merged, deleted };
      });
    }

    await afterStaging?.(client);
    const incremental = await factHasRows(client);
    const context = {
      incremental,
      batches,
      sources,
      vars: { run_id: input.runId, business_tz: deps.config.BUSINESS_TZ },
    };
    const run = async (model: string, folder: string) => {
      onStep(model);
      await startStep(client, input.runId, 'transform', model);
      const result = await runModel(client, deps.renderer, `${folder}/${model}.sql`, context);
      return result;
    };

    for (const model of DIMENSION_MODELS) {
      const result = await run(model, 'dims');
      const counts = { inserted: countFrom(result, 'inserted'), updated: countFrom(result, 'updated') };
      await recordModel(client, input.runId, result, targets, counts);
      await analyzeIfStale(client, `dwh.${model}`, counts.inserted + counts.updated);
    }
    const affected = await run('affected_orders', 'facts');
    await finishStep(client, input.runId, 'transform', 'affected_orders', {
      detail: { orders: countFrom(affected, 'affected') },
    });
    const inferred = await run('inferred_members', 'facts');
    await recordModel(client, input.runId, inferred, targets, {
      inserted: countFrom(inferred, 'inserted'),
      updated: 0,
    });
    const restoreFactIndexes = incremental
      ? async () => {}
      : await deferIndexes(client, 'dwh.fact_sales', { primaryKey: true });
    // (A failed index build fails the transform below, where it is awaited.)
    void adoption.indexed.then(onSpareCore, () => {}).catch(() => {});
    const fact = await run(FACT_MODEL, 'facts');
    await restoreFactIndexes();
    await recordModel(client, input.runId, fact, targets, factCounts(fact));

    await adoption.indexed;
    for (const [name, { table, batch }] of adoption.batches) {
      await stagingStep(name, async () => {
        await adoptBatchAsMirror(client, deps.renderer, stagingSpec(table), batch, input.runId);
        if (table.detectHardDeletes) await trackMirrorKeyRanges(client, table, adoptedKeyRanges.get(name));
        return { merged: extracts.get(name)!.rows, deleted: 0 };
      });
    }

    if (input.kind === 'incremental') {
      for (const [name, extract] of extracts) {
        if (extract.watermarkAfter) await advanceWatermark(client, name, extract.watermarkAfter, input.runId);
      }
    }
    for (const batch of batchesToDrop) await dropBatch(client, batch);
    await beforeCommit?.(client);
    await client.query('commit');
    return { incremental, targets };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    // Leave nothing running on the batches once this returns.
    await adoption?.indexed.catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Whether the next transform is a first load (the fact is empty): it rebuilds everything. */
export async function isFirstLoad(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  return !(await factHasRows(db));
}

async function factHasRows(client: pg.Pool | pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>(
    'select exists (select 1 from dwh.fact_sales) as any',
  );
  return rows[0]!.any;
}

/**
 * A first load's INSERT writes only new rows; MERGE reports inserted + updated together, so the
 * incremental model counts the new keys and the newly deleted lines just before it.
 */
function factCounts(result: ModelResult): { inserted: number; updated: number; deleted: number } {
  const write = result.statements.find((s) => s.command === 'MERGE' || s.command === 'INSERT');
  const merged = write?.rowCount ?? 0;
  const number = (field: string) =>
    Number(result.statements.find((s) => s.rows[0] && field in s.rows[0])?.rows[0]?.[field] ?? 0);
  const inserted = write?.command === 'INSERT' ? merged : number('inserted');
  return { inserted, updated: merged - inserted, deleted: number('newly_deleted') };
}

async function recordModel(
  client: pg.ClientBase,
  runId: number,
  result: ModelResult,
  targets: TargetCounts[],
  counts: { inserted: number; updated: number; deleted?: number },
): Promise<void> {
  const target = result.model.replace(/^.*\//, '').replace(/\.sql$/, '');
  await finishStep(client, runId, 'transform', target, {
    rows_inserted: counts.inserted,
    rows_updated: counts.updated,
    rows_deleted: counts.deleted ?? 0,
  });
  targets.push({
    target: `dwh.${target}`,
    inserted: counts.inserted,
    updated: counts.updated,
    deleted: counts.deleted ?? 0,
    merged: counts.inserted + counts.updated,
    durationMs: result.durationMs,
  });
}
