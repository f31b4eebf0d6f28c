import { asyncLocalStorage } from '@temporalio/activity';
import {
  type PipelineDeps,
  SOURCE_TABLES,
  type SourceTable,
  selectSourceTables,
} from '../../pipeline/index.ts';

/** What every activity group is built from. */
export interface ActivityDeps {
  pipeline: PipelineDeps;
  /** The source table catalogue (default SOURCE_TABLES); tests pass theirs without the safety lag. */
  sourceTables: readonly SourceTable[];
}

export function activityDeps(pipeline: PipelineDeps, sourceTables?: readonly SourceTable[]): ActivityDeps {
  return { pipeline, sourceTables: sourceTables ?? SOURCE_TABLES };
}

/** Resolves qualified names against the catalogue; an unknown name is a ConfigError (never retried). */
export function resolveTables(deps: ActivityDeps, names: readonly string[]): SourceTable[] {
  return selectSourceTables(names, deps.sourceTables);
}

/** The workflow id the activity works for, recorded with the run ('temporal' runs are found by it). */
export function currentWorkflowId(): string | undefined {
  return asyncLocalStorage.getStore()?.info.workflowExecution?.workflowId;
}
