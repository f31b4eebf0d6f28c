import { type PipelineRunOutcome, runPipelineInWorkflow } from './pipeline-run.ts';
import type { BackfillChunkInput } from './schemas.ts';

/** One chunk of a backfill, run as a child workflow: a run of kind 'backfill' over its window. */
export async function backfillChunk(input: BackfillChunkInput): Promise<PipelineRunOutcome> {
  const { from: _from, to: _to, ...run } = input;
  return runPipelineInWorkflow({ ...run, kind: 'backfill' });
}
