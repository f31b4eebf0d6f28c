import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The queries and signals of the ETL workflows, shared by the workflows, the activities that report
 * progress and the client. Progress lives in the workflow so the Temporal UI's query tab shows it too.
 */

export type TableState = 'pending' | 'extracting' | 'extracted' | 'failed';

export interface TableProgress {
  table: string;
  state: TableState;
  /** Rows in this run's batch so far (reported by the extract activity while it runs). */
  rows: number;
}

export type RunPhase =
  | 'starting'
  | 'extract'
  | 'transform'
  | 'quality'
  | 'finalize'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface PipelineRunProgress {
  /** The warehouse's run id (etl.runs), once the run has begun. */
  runId: number | null;
  kind: 'incremental' | 'backfill';
  phase: RunPhase;
  tables: TableProgress[];
  /** The transform's current target, e.g. `dim_customer`. */
  transformStep: string | null;
  cancelRequested: boolean;
  error: string | null;
}

export type ChunkState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BackfillChunkProgress {
  workflowId: string;
  from: string;
  to: string;
  state: ChunkState;
  /** The chunk's warehouse run id and rows extracted, once it succeeded. */
  runId: number | null;
  rows: number;
}

export interface BackfillProgress {
  phase: 'planning' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  chunksTotal: number;
  chunksDone: number;
  chunksFailed: number;
  chunks: BackfillChunkProgress[];
  cancelRequested: boolean;
}

/** Same query name on every ETL workflow, so the UI and the CLI ask for 'progress' alike. */
export const pipelineProgressQuery = defineQuery<PipelineRunProgress>('progress');
export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

export interface CancelRequest {
  reason?: string;
}

/** Stops the run cleanly: the step under way finishes (or rolls back), then the run is recorded failed. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');

/** From the extract activity to its workflow: rows in the batch so far. */
export const extractRowsSignal = defineSignal<[{ table: string; rows: number }]>('extractRows');

/** From the transform activity to its workflow: the target it started. */
export const transformStepSignal = defineSignal<[{ step: string }]>('transformStep');
