import type { PipelineDeps, SourceTable } from '../../pipeline/index.ts';
import { activityDeps } from './activity-context.ts';
import { createBackfillActivities } from './backfill-activities.ts';
import { createExtractActivities } from './extract-activities.ts';
import { createPlanningActivities } from './planning-activities.ts';
import { createQualityActivities } from './quality-activities.ts';
import { createRunActivities } from './run-activities.ts';
import { createTransformActivities } from './transform-activities.ts';

export interface ActivityOptions {
  /** The source table catalogue (default SOURCE_TABLES). */
  sourceTables?: readonly SourceTable[];
}

/**
 * Every activity of the ETL workflows, built from the same pipeline dependencies the `--local` runner
 * uses, so both paths run the same code. Workflows import only this function's return *type*.
 */
export function createActivities(pipeline: PipelineDeps, options: ActivityOptions = {}) {
  const deps = activityDeps(pipeline, options.sourceTables);
  return {
    ...createRunActivities(deps),
    ...createPlanningActivities(deps),
    ...createExtractActivities(deps),
    ...createBackfillActivities(deps),
    ...createTransformActivities(deps),
    ...createQualityActivities(deps),
  };
}

export type EtlActivities = ReturnType<typeof createActivities>;
export { TEMPORAL_TRIGGER } from './run-activities.ts';
