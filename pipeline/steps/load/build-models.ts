import type pg from 'pg';
import {
  analyzeIfStale,
  countFrom,
  deferIndexes,
  finishStep,
  type ModelCounts,
  type ModelResult,
  modelCounts,
  runModel,
  startStep,
} from '../../../warehouse/index.ts';
import { qualifiedName } from '../../source-tables.ts';
import type { Load } from './load-context.ts';

/**
 * Dimensions in build order (type 1 first: the type 2 rows and the facts look them up), each with the
 * one source table whose rows it reads. An incremental load that did not load that table skips the
 * model: it would read no row of this run (CDC batches hold one or two tables; each skipped model
 * saved 5–20 ms of a ~0.5 s batch under load, bench:cdc).
 */
const DIMENSION_MODELS = [
  { model: 'dim_region', source: 'orders.regions' },
  { model: 'dim_category', source: 'catalog.categories' },
  { model: 'dim_payment_method', source: 'payments.payments' },
  { model: 'dim_employee', source: 'orders.employees' },
  { model: 'dim_customer', source: 'orders.customers' },
  { model: 'dim_product', source: 'catalog.products' },
] as const;

const FACT_MODEL = 'fact_sales';
/** The daily sales rollups, rolled up again for the days the fact merge touched (issue 16). */
const ROLLUP_MODEL = 'agg_sales_daily';
/** The tables the rollup model writes: a first load fills them empty, with their indexes deferred. */
const ROLLUP_TABLES = [
  'dwh.agg_sales_daily_region',
  'dwh.agg_sales_daily_category',
  'dwh.agg_sales_daily_manager',
  'dwh.agg_sales_daily_payment_method',
] as const;

/**
 * Phase 3: the dimensions, the affected orders, inferred members and the fact, each an SQL model
 * that reports its own counts. Returns whether the load was incremental (the fact had rows).
 */
export async function buildModels(load: Load): Promise<boolean> {
  const { client, deps, input } = load;
  const incremental = await factHasRows(client);
  const context = {
    incremental,
    batches: load.batches,
    sources: load.sources,
    vars: { run_id: input.runId, run_kind: input.kind, business_tz: deps.config.BUSINESS_TZ },
  };
  const run = async (folder: string, model: string) => {
    load.hooks.onStep(model);
    await startStep(client, input.runId, 'transform', model);
    return runModel(client, deps.renderer, `${folder}/${model}.sql`, context);
  };

  const loaded = new Set(input.tables.map(qualifiedName));
  for (const { model, source } of DIMENSION_MODELS) {
    if (incremental && !loaded.has(source)) continue;
    const counts = await recordModel(load, await run('dims', model));
    await analyzeIfStale(client, `dwh.${model}`, counts.inserted + counts.updated);
  }
  const affected = await run('facts', 'affected_orders');
  await finishStep(client, input.runId, 'transform', 'affected_orders', {
    detail: { orders: countFrom(affected, 'affected') },
  });
  await recordModel(load, await run('facts', 'inferred_members'));

  const restoreFactIndexes = incremental
    ? async () => {}
    : await deferIndexes(client, 'dwh.fact_sales', { primaryKey: true });
  // (A failed index build fails the transform where it is awaited.)
  void load.adoption.indexed.then(load.hooks.onSpareCore, () => {}).catch(() => {});
  const fact = await run('facts', FACT_MODEL);
  await restoreFactIndexes();
  const factCounts = await recordModel(load, fact);
  // A first load's fact has never had statistics: the rollups below and the DQ gate after the commit
  // (autovacuum comes later) would plan for a few hundred rows.
  await analyzeIfStale(client, 'dwh.fact_sales', factCounts.inserted + factCounts.updated);
  // A first load truncates the rollups and inserts every row (300 k at scale 1): one sort per index
  // afterwards costs less than a b-tree insert per row, as for the fact.
  const restoreRollupIndexes = incremental ? [] : await deferEach(client, ROLLUP_TABLES);
  const rollups = await run('rollups', ROLLUP_MODEL);
  for (const restore of restoreRollupIndexes) await restore();
  await recordModel(load, rollups);
  return incremental;
}

/** Defers the indexes, primary keys included, of each table; returns what rebuilds them. */
async function deferEach(client: pg.ClientBase, tables: readonly string[]) {
  const restores = [];
  for (const table of tables) restores.push(await deferIndexes(client, table, { primaryKey: true }));
  return restores;
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

/** Audits a model's step with the counts it reported and adds it to the run's targets. */
async function recordModel(load: Load, result: ModelResult): Promise<ModelCounts> {
  const counts = modelCounts(result);
  const target = result.model.replace(/^.*\//, '').replace(/\.sql$/, '');
  await finishStep(load.client, load.input.runId, 'transform', target, {
    rows_inserted: counts.inserted,
    rows_updated: counts.updated,
    rows_deleted: counts.deleted,
  });
  load.targets.push({
    target: `dwh.${target}`,
    ...counts,
    merged: counts.inserted + counts.updated,
    durationMs: result.durationMs,
  });
  return counts;
}
