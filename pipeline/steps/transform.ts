import { z } from 'zod';
import { faultPause } from '../../core/fault-pause.ts';
import { childLogger } from '../../core/logger.ts';
import {
  checkLoadAttempt,
  commitLoadAttempt,
  inTransaction,
  LoadSupersededError,
  takeLoadAttempt,
} from '../../warehouse/index.ts';
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

/** The summary a committed load recorded (etl.runs.load_result), read back by a retried attempt. */
const committedResultSchema = z.object({
  incremental: z.boolean(),
  targets: z.array(
    z.object({
      target: z.string(),
      inserted: z.number(),
      updated: z.number(),
      deleted: z.number(),
      merged: z.number(),
      durationMs: z.number(),
    }),
  ),
});

const log = childLogger({ component: 'transform' });

/**
 * Everything after the extracts, in one PostgreSQL transaction, as named phases (`load/`): open the
 * load, stage the batches (with hard-delete reconciliation), build the models, adopt first loads,
 * advance the watermarks. A run that dies here leaves the warehouse as it was and the next run
 * repeats it exactly. Each call is a fenced attempt (warehouse/load-fence.ts, decision 0020): a retry
 * supersedes an earlier attempt still alive, which then cannot commit; a retry of a load that already
 * committed returns that load's summary and loads nothing.
 */
export async function transform(
  deps: PipelineDeps,
  input: TransformInput,
  { onStep = () => {}, onSpareCore = () => {}, afterStaging, beforeCommit }: TransformHooks = {},
): Promise<TransformResult> {
  const client = await deps.warehouse.connect();
  let adoption: BatchAdoption | undefined;
  try {
    const attempt = await takeLoadAttempt(client, input.runId);
    if (attempt.committed) {
      log.info({ runId: input.runId, attempt: attempt.attempt }, 'load already committed; not loading again');
      return committedResultSchema.parse(attempt.committed);
    }
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
    faultPause('before-load');
    const result = await inTransaction(client, async () => {
      await openLoad(load);
      faultPause('load-locked');
      // After the load's lock: a superseded attempt stops here, before it writes anything.
      await checkLoadAttempt(client, attempt);
      await stageBatches(load);
      await afterStaging?.(client);
      const incremental = await buildModels(load);
      await adoptFirstLoads(load);
      await advanceWatermarks(load);
      await beforeCommit?.(client);
      const summary: TransformResult = { incremental, targets: load.targets };
      await commitLoadAttempt(client, attempt, summary);
      return summary;
    });
    faultPause('after-load-commit');
    return result;
  } catch (error) {
    // Said where the stale attempt runs: its orchestrator no longer listens to this attempt's outcome.
    if (error instanceof LoadSupersededError)
      log.warn({ runId: input.runId, ...error.context }, error.message);
    // Leave nothing running on the batches once this returns.
    await adoption?.indexed.catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
