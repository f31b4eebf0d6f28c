import { type ExtractTableResult, extractTable } from '../../pipeline/index.ts';
import { extractRowsSignal } from '../definitions.ts';
import { type ExtractActivityInput, extractInputSchema, parseInput } from '../schemas.ts';
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
  };
}
