import { runQualityGate } from '../../dq/index.ts';
import { parseInput, type QualityActivityInput, qualityInputSchema } from '../schemas.ts';
import type { ActivityDeps } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';
import { withPulse } from './activity-pulse.ts';

/** What the workflow keeps of a data-quality run: the counts (the results themselves are in dq.results). */
export interface QualityGateOutcome {
  dqRunId: number;
  counts: Record<string, number>;
  blockingRules: string[];
  seconds: number;
}

/** Activities of the data-quality rules, run on the warehouse and the sources after each load. */
export function createQualityActivities(deps: ActivityDeps) {
  return {
    /**
     * The same gate the --local runner passes: every result is stored, and a failed `error` rule fails
     * the activity without retry (DqGateError is not retryable), which fails the run.
     */
    runQualityGate: classifyFailures(async (input: QualityActivityInput): Promise<QualityGateOutcome> => {
      const valid = parseInput(qualityInputSchema, input, 'quality gate');
      const summary = await withPulse(deps.pipeline, valid.runId, undefined, () =>
        runQualityGate(deps.pipeline, valid.runId, { scope: valid.scope ?? 'all' }),
      );
      return {
        dqRunId: summary.dqRunId,
        counts: summary.counts,
        blockingRules: summary.blockingRules,
        seconds: summary.seconds,
      };
    }),
  };
}
