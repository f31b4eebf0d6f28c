import {
  batchTable,
  indexBatchForAdoption,
  inTransaction,
  isAdoptable,
  type KeyRangeRow,
  prepareBatchForAdoption,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { scanBatchKeyRanges } from './reconcile-deletes.ts';

export interface BatchAdoption {
  /** Tables (`db.table`) whose batch becomes the mirror, with the batch's name. */
  batches: Map<string, { table: SourceTable; batch: string }>;
  /** Settles when every adopted batch has its key and indexes; rejects with the first failure. */
  indexed: Promise<void>;
  /**
   * Once `indexed` settles: the keys per range of the adopted batches of tables that detect hard
   * deletes, with which their mirrors start tracking their keys.
   */
  keyRanges: Map<string, KeyRangeRow[]>;
}

/**
 * First loads: finds the batches that will simply become their mirrors and builds their keys and
 * indexes on a connection of its own, each in its own transaction, while the transform reads them.
 * The transform is one statement after another on one core; the index builds take the other one
 * (they only share-lock the batch, which reads do not conflict with), and so does the key count per
 * range that hard-delete detection starts from. Called before the transform's
 * transaction begins, which must not hold a lock these need.
 */
export async function startBatchAdoption(
  deps: PipelineDeps,
  runId: number,
  tables: readonly { table: SourceTable; dedupe: boolean }[],
): Promise<BatchAdoption> {
  const client = await deps.warehouse.connect();
  const batches: BatchAdoption['batches'] = new Map();
  const keyRanges: BatchAdoption['keyRanges'] = new Map();
  try {
    for (const { table, dedupe } of tables) {
      const batch = batchTable(table.database, table.table, runId);
      if (!(await isAdoptable(client, stagingSpec(table), batch, dedupe))) continue;
      // Normally done by the extract step already (then a no-op): the transform reads these columns.
      await inTransaction(client, () => prepareBatchForAdoption(client, batch, runId));
      batches.set(qualifiedName(table), { table, batch });
    }
  } catch (error) {
    client.release();
    throw error;
  }
  const indexed = (async () => {
    try {
      for (const [name, { table, batch }] of batches) {
        await inTransaction(client, () =>
          indexBatchForAdoption(client, deps.renderer, stagingSpec(table), batch, runId),
        );
        if (table.detectHardDeletes) keyRanges.set(name, await scanBatchKeyRanges(client, table, batch));
      }
    } finally {
      client.release();
    }
  })();
  // Awaited by the transform; until then a failure must not count as unhandled.
  indexed.catch(() => {});
  return { batches, indexed, keyRanges };
}
