import { type TransformResult, transform } from '../../pipeline/index.ts';
import { transformStepSignal } from '../definitions.ts';
import { parseInput, type TransformActivityInput, transformInputSchema } from '../schemas.ts';
import { type ActivityDeps, resolveTables } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';
import { withPulse } from './activity-pulse.ts';

/** Activities inside the warehouse: staging merges, dimensions, facts and watermarks in one transaction. */
export function createTransformActivities(deps: ActivityDeps) {
  return {
    /** All of it commits or none of it does, so a retry (or a cancelled run) never sees half a transform. */
    transformRun: classifyFailures(async (input: TransformActivityInput): Promise<TransformResult> => {
      const valid = parseInput(transformInputSchema, input, 'transform');
      const tables = resolveTables(deps, valid.tables);
      return withPulse(deps.pipeline, valid.runId, transformStepSignal, (pulse) =>
        transform(
          deps.pipeline,
          { runId: valid.runId, kind: valid.kind, tables },
          { onStep: (step) => pulse.report({ step }) },
        ),
      );
    }),
  };
}
