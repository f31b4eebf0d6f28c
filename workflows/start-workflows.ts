import {
  type Client,
  type Workflow,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { TechmarketError } from '../core/errors.ts';
import type { backfill } from './backfill.ts';
import { backfillWorkflowId, businessDate, dailyWorkflowId, tableWorkflowId } from './constants.ts';
import type { dailyPipeline } from './daily-pipeline.ts';
import {
  type BackfillInput,
  backfillInputSchema,
  type DailyPipelineInput,
  dailyPipelineInputSchema,
  parseInput,
  type TablePipelineInput,
  tablePipelineInputSchema,
} from './schemas.ts';
import type { tablePipeline } from './table-pipeline.ts';

/** A start refused because the same run (same workflow id) is still going. */
export class RunAlreadyStartedError extends TechmarketError {}

export interface StartOptions {
  taskQueue: string;
  /** Overrides the deterministic id (tests, or a second run of the day under another name). */
  workflowId?: string;
  /** Date in the workflow id (default today in `timeZone`). */
  date?: string;
  /** BUSINESS_TZ: the day in daily ids is the business day. */
  timeZone?: string;
}

export interface StartedRun<T extends Workflow = Workflow> {
  workflowId: string;
  runId: string;
  workflowType: 'dailyPipeline' | 'tablePipeline' | 'backfill';
  handle: WorkflowHandleWithFirstExecutionRunId<T>;
}

async function start<T extends Workflow>(
  what: () => Promise<WorkflowHandleWithFirstExecutionRunId<T>>,
  workflowId: string,
  workflowType: StartedRun['workflowType'],
): Promise<StartedRun<T>> {
  try {
    const handle = await what();
    return { workflowId, runId: handle.firstExecutionRunId, workflowType, handle };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new RunAlreadyStartedError(`a run with workflow id ${workflowId} is already in progress`, {
        hint: 'follow it in the Temporal UI, or wait for it to finish; two runs of the same kind and date never overlap',
        context: { workflowId },
      });
    }
    throw error;
  }
}

const today = (options: StartOptions) => options.date ?? businessDate(options.timeZone ?? 'UTC');

export function startDailyPipeline(client: Client, input: DailyPipelineInput, options: StartOptions) {
  const valid = parseInput(dailyPipelineInputSchema, input, 'daily pipeline');
  const workflowId = options.workflowId ?? dailyWorkflowId(today(options), valid.tables);
  return start<typeof dailyPipeline>(
    () =>
      client.workflow.start<typeof dailyPipeline>('dailyPipeline', {
        taskQueue: options.taskQueue,
        workflowId,
        args: [valid],
      }),
    workflowId,
    'dailyPipeline',
  );
}

export function startTablePipeline(client: Client, input: TablePipelineInput, options: StartOptions) {
  const valid = parseInput(tablePipelineInputSchema, input, 'table pipeline');
  const workflowId = options.workflowId ?? tableWorkflowId(valid.table, today(options));
  return start<typeof tablePipeline>(
    () =>
      client.workflow.start<typeof tablePipeline>('tablePipeline', {
        taskQueue: options.taskQueue,
        workflowId,
        args: [valid],
      }),
    workflowId,
    'tablePipeline',
  );
}

export function startBackfill(client: Client, input: BackfillInput, options: StartOptions) {
  const valid = parseInput(backfillInputSchema, input, 'backfill');
  const workflowId = options.workflowId ?? backfillWorkflowId(valid.from, valid.to, valid.tables);
  return start<typeof backfill>(
    () =>
      client.workflow.start<typeof backfill>('backfill', {
        taskQueue: options.taskQueue,
        workflowId,
        args: [valid],
      }),
    workflowId,
    'backfill',
  );
}
