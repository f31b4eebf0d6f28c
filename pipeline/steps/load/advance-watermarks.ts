import { advanceWatermark, dropBatch } from '../../../warehouse/index.ts';
import type { Load } from './load-context.ts';

/**
 * Phase 5, last in the load's transaction: the watermarks move to what the extracts read (so they
 * commit with the data they cover), and the merged batches go.
 */
export async function advanceWatermarks(load: Load): Promise<void> {
  const { client, input } = load;
  if (input.kind === 'incremental') {
    for (const [name, extract] of load.extracts) {
      if (extract.watermarkAfter) await advanceWatermark(client, name, extract.watermarkAfter, input.runId);
    }
  }
  for (const batch of load.mergedBatches) await dropBatch(client, batch);
}
