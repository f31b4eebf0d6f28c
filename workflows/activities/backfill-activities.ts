import {
  extractWindowPart,
  prepareWindowBatches,
  recordWindowExtract,
  type WindowPartResult,
} from '../../pipeline/index.ts';
import { partRowsSignal } from '../definitions.ts';
import {
  parseInput,
  type WindowExtractInput,
  type WindowPartInput,
  windowExtractInputSchema,
  windowPartInputSchema,
} from '../schemas.ts';
import { type ActivityDeps, resolveTables } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';
import { withPulse } from './activity-pulse.ts';

/**
 * A backfill as one run over its window (workflows/backfill-window.ts): the run's batch tables made
 * once, then its parts read side by side into them, then the extract steps the transform reads.
 */
export function createBackfillActivities(deps: ActivityDeps) {
  return {
    prepareWindowExtract: classifyFailures(async (input: WindowExtractInput): Promise<void> => {
      const valid = parseInput(windowExtractInputSchema, input, 'backfill extract');
      await prepareWindowBatches(deps.pipeline, valid.runId, resolveTables(deps, valid.tables));
    }),

    /**
     * One part (consecutive day chunks) of every table, one table after another: an activity costs
     * the orchestration about as much as reading a small table's day, so parts are few and each reads
     * its tables' slices. A table's slice read before (by a worker since killed) is not read again.
     */
    extractWindowPart: classifyFailures(async (input: WindowPartInput): Promise<WindowPartResult[]> => {
      const valid = parseInput(windowPartInputSchema, input, 'backfill part');
      const tables = resolveTables(deps, valid.tables);
      return withPulse(deps.pipeline, valid.runId, partRowsSignal, async (pulse) => {
        const results: WindowPartResult[] = [];
        let rowsBefore = 0;
        for (const table of tables) {
          const result = await extractWindowPart(deps.pipeline, table, valid.runId, valid.part, (rows) =>
            pulse.report({ from: valid.part.from, rows: rowsBefore + rows }),
          );
          results.push(result);
          rowsBefore += result.rows;
        }
        return results;
      });
    }),

    recordWindowExtract: classifyFailures(async (input: WindowExtractInput): Promise<number> => {
      const valid = parseInput(windowExtractInputSchema, input, 'backfill extract');
      let rows = 0;
      for (const table of resolveTables(deps, valid.tables)) {
        const detail = await recordWindowExtract(deps.pipeline, table, valid.runId, valid, valid.parts);
        rows += detail.rows;
      }
      return rows;
    }),
  };
}
