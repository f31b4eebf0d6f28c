import { inTransaction } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName } from '../source-tables.ts';
import { type BatchAdoption, startBatchAdoption } from './batch-adoption.ts';
import { advanceWatermarks } from './load/advance-watermarks.ts';
import { buildModels } from './load/build-models.ts';
import {
  type Load,
  needsDedupe,
  type TargetCounts,
  type TransformHooks,
  type TransformInput,
} from './load/load-context.ts';
import { openLoad } from './load/open-load.ts';
import { readExtracts, startSourceKeyReads } from './load/read-extracts.ts';
import { adoptFirstLoads, stageBatches } from './load/stage-batches.ts';

export { isFirstLoad } from './load/build-models.ts';
export type { TargetCounts, TransformHooks, TransformInput };

export interface TransformResult {
  incremental: boolean;
  targets: TargetCounts[];
}

/**
 * Everything after the extracts, in one PostgreSQL transaction, as named phases (`load/`): open the
 * load, stage the batches (with hard-delete reconciliation), build the models, adopt first loads,
 * advance the watermarks. A run that dies here leaves the warehouse as it was and the next run
 * repeats it exactly.
 */
export async function transform(
  deps: PipelineDeps,
  input: TransformInput,
  { onStep = () => {}, onSpareCore = () => {} }: TransformHooks = {},
): Promise<TransformResult> {
  const client = await deps.warehouse.connect();
  let adoption: BatchAdoption | undefined;
  try {
    const extracts = await readExtracts(client, input);
    // Before the transaction: the adoption's own connection must not wait on a lock the load holds.
    adoption = await startBatchAdoption(
      deps,
      input.runId,
      input.tables.map((table) => ({ table, dedupe: needsDedupe(extracts, qualifiedName(table), table) })),
    );
    const load: Load = {
      deps,
      client,
      input,
      hooks: { onStep, onSpareCore },
      extracts,
      adoption,
      sourceKeyReads: startSourceKeyReads(deps, input, extracts, adoption.batches),
      batches: {},
      sources: {},
      mergedBatches: [],
      targets: [],
    };
    return await inTransaction(client, async () => {
      await openLoad(load);
      await stageBatches(load);
      const incremental = await buildModels(load);
      await adoptFirstLoads(load);
      await advanceWatermarks(load);
      return { incremental, targets: load.targets };
    });
  } catch (error) {
    // Leave nothing running on the batches once this returns.
    await adoption?.indexed.catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
