import { asyncLocalStorage, CancelledFailure } from '@temporalio/activity';
import { type ExtractTableResult, extractTable, mapBounded } from '../../pipeline/index.ts';
import { extractRowsSignal } from '../definitions.ts';
import {
  type ExtractActivityInput,
  type ExtractTablesActivityInput,
  extractInputSchema,
  extractTablesInputSchema,
  parseInput,
} from '../schemas.ts';
import { type ActivityDeps, resolveTables } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';
import { withPulse } from './activity-pulse.ts';

/** Activities reading the MySQL sources into the warehouse's batch tables. */
export function createExtractActivities(deps: ActivityDeps) {
  return {
    /**
     * One source table into this run's batch table. Heartbeat details carry the rows so far; a retry
     * after a dead worker resumes after the last committed COPY chunk (extractTable reads the batch).
     */
    extractSourceTable: classifyFailures(async (input: ExtractActivityInput): Promise<ExtractTableResult> => {
      const valid = parseInput(extractInputSchema, input, 'extract');
      const [table] = resolveTables(deps, [valid.table]);
      return withPulse(deps.pipeline, valid.runId, extractRowsSignal, (pulse) =>
        extractTable(
          deps.pipeline,
          table!,
          {
            runId: valid.runId,
            table: valid.table,
            kind: valid.kind,
            windowFrom: valid.windowFrom,
            windowTo: valid.windowTo,
          },
          (rows) => pulse.report({ table: valid.table, rows }),
        ),
      );
    }),

    /**
     * Every table of a run, `extractParallelism` at once, as `runPipeline` extracts them: one activity
     * instead of one per table saves the run a workflow-task round trip per table (decision 0025).
     * A retry skips nothing but loses nothing either: each table resumes after its last committed
     * COPY chunk. Cancelled (the workflow's cancel signal cancels it), it starts no further table.
     */
    extractSourceTables: classifyFailures(
      async (input: ExtractTablesActivityInput): Promise<ExtractTableResult[]> => {
        const valid = parseInput(extractTablesInputSchema, input, 'extract');
        const tables = resolveTables(deps, valid.tables);
        const cancelled = asyncLocalStorage.getStore()?.cancellationSignal;
        return withPulse(deps.pipeline, valid.runId, extractRowsSignal, (pulse) =>
          mapBounded(tables, valid.extractParallelism, async (table) => {
            if (cancelled?.aborted) throw new CancelledFailure('cancelled before extracting');
            const name = valid.tables[tables.indexOf(table)]!;
            return extractTable(
              deps.pipeline,
              table,
              {
                runId: valid.runId,
                table: name,
                kind: valid.kind,
                windowFrom: valid.windowFrom,
                windowTo: valid.windowTo,
              },
              (rows) => pulse.report({ table: name, rows }),
            );
          }),
        );
      },
    ),
  };
}
