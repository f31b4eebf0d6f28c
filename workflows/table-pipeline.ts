import { type PipelineRunOutcome, runPipelineInWorkflow } from './pipeline-run.ts';
import type { TablePipelineInput } from './schemas.ts';

/** One source table end to end: extract, stage, rebuild what depends on it, advance its watermark. */
export async function tablePipeline(input: TablePipelineInput): Promise<PipelineRunOutcome> {
  const { table, ...rest } = input;
  return runPipelineInWorkflow({ ...rest, tables: [table], kind: 'incremental' });
}
