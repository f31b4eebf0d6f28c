import {
  extractWindowPart,
  mapBounded,
  prepareWindowBatches,
  recordWindowExtract,
  type SourceTable,
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
     * One part (consecutive day chunks) of every table, its tables read ETL_EXTRACT_PARALLELISM at
     * once as `--local` reads them: read one after another, a one-part backfill extracted slower than
     * `--local` (each table pays a fixed cost that dominates small slices). The plan bounds the parts
     * at once so that parts × tables read together stay within the backfill's lanes (planBackfill).
     * A table's slice read before (by a worker since killed) is not read again.
     */
    extractWindowPart: classifyFailures(async (input: WindowPartInput): Promise<WindowPartResult[]> => {
      const valid = parseInput(windowPartInputSchema, input, 'backfill part');
      const tables = resolveTables(deps, valid.tables);
      return withPulse(deps.pipeline, valid.runId, partRowsSignal, (pulse) => {
        const rowsByTable = new Map<SourceTable, number>();
        return mapBounded(tables, deps.pipeline.config.ETL_EXTRACT_PARALLELISM, (table) =>
          extractWindowPart(deps.pipeline, table, valid.runId, valid.part, (rows) => {
            rowsByTable.set(table, rows);
            pulse.report({
              from: valid.part.from,
              rows: [...rowsByTable.values()].reduce((a, b) => a + b, 0),
            });
          }),
        );
      });
    }),

    recordWindowExtract: classifyFailures(async (input: WindowExtractInput): Promise<number> => {
      const valid = parseInput(windowExtractInputSchema, input, 'backfill extract');
      // All tables at once: each writes its own step row, and the load waits for this (0.06–0.18 s
      // one after another under load in bench:backfill).
      const details = await Promise.all(
        resolveTables(deps, valid.tables).map((table) =>
          recordWindowExtract(deps.pipeline, table, valid.runId, valid, valid.parts),
        ),
      );
      return details.reduce((sum, detail) => sum + detail.rows, 0);
    }),
  };
}
