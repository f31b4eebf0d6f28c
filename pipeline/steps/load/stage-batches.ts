import {
  adoptBatchAsMirror,
  analyzeIfStale,
  batchTable,
  finishStep,
  mergeBatch,
  mirrorTable,
  startStep,
} from '../../../warehouse/index.ts';
import { qualifiedName, stagingSpec } from '../../source-tables.ts';
import { reconcileDeletes, trackMirrorKeyRanges } from '../reconcile-deletes.ts';
import { type Load, needsDedupe } from './load-context.ts';

/** Lands one table's batch in its mirror (merged or adopted), audited as its 'merge' step. */
async function landInMirror(
  load: Load,
  name: string,
  land: () => Promise<{ merged: number; deleted: number }>,
): Promise<void> {
  const { client, input } = load;
  load.hooks.onStep(`stg ${name}`);
  const started = performance.now();
  await startStep(client, input.runId, 'merge', name);
  const { merged, deleted } = await land();
  await finishStep(client, input.runId, 'merge', name, { rows_merged: merged, rows_deleted: deleted });
  load.targets.push({
    target: `stg.${name}`,
    inserted: 0,
    updated: 0,
    merged,
    deleted,
    durationMs: performance.now() - started,
  });
}

/**
 * Phase 2: each batch merged into its mirror, with hard-delete reconciliation beside it; a first
 * load's batch is left for the models to read and becomes its mirror in phase 4.
 */
export async function stageBatches(load: Load): Promise<void> {
  const { client, deps, input } = load;
  for (const table of input.tables) {
    const name = qualifiedName(table);
    const batch = batchTable(table.database, table.table, input.runId);
    load.batches[name] = batch;
    if (load.adoption.batches.has(name)) {
      load.sources[name] = batch;
      continue;
    }
    await landInMirror(load, name, async () => {
      const dedupe = needsDedupe(load.extracts, name, table);
      const merged = await mergeBatch(client, deps.renderer, stagingSpec(table), batch, input.runId, dedupe);
      const sourceKeys = load.sourceKeyReads.get(name);
      const deleted = sourceKeys ? await reconcileDeletes(deps, client, table, input.runId, sourceKeys) : 0;
      load.mergedBatches.push(batch);
      await analyzeIfStale(client, mirrorTable(table.database, table.table), merged + deleted);
      return { merged, deleted };
    });
  }
}

/** Phase 4: first loads' batches, indexed meanwhile on the second connection, become their mirrors. */
export async function adoptFirstLoads(load: Load): Promise<void> {
  const { client, deps, input, adoption } = load;
  await adoption.indexed;
  for (const [name, { table, batch }] of adoption.batches) {
    await landInMirror(load, name, async () => {
      await adoptBatchAsMirror(client, deps.renderer, stagingSpec(table), batch, input.runId);
      if (table.detectHardDeletes) await trackMirrorKeyRanges(client, table, adoption.keyRanges.get(name));
      return { merged: load.extracts.get(name)!.rows, deleted: 0 };
    });
  }
}
