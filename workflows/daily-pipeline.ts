import { type PipelineRunOutcome, runPipelineInWorkflow } from './pipeline-run.ts';
import type { DailyPipelineInput } from './schemas.ts';

/** The daily incremental run over every source table (or the given ones), started by the Schedule. */
export async function dailyPipeline(input: DailyPipelineInput = {}): Promise<PipelineRunOutcome> {
  const { transformHeartbeatSeconds, ...request } = input;
  return runPipelineInWorkflow({ ...request, kind: 'incremental' }, { transformHeartbeatSeconds });
}
