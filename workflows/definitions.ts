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

/**
 * `running` is a chunk run as its own child workflow (backfills started before the one-load patch);
 * a one-load backfill's chunk is `extracting`, then `waiting` for the others, then `loading` with them.
 */
export type ChunkState =
  | 'pending'
  | 'running'
  | 'extracting'
  | 'waiting'
  | 'loading'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface BackfillChunkProgress {
  workflowId: string;
  from: string;
  to: string;
  state: ChunkState;
  /** The chunk's warehouse run id (the backfill's one run, once loading) and its rows extracted so far. */
  runId: number | null;
  rows: number;
}

export interface BackfillProgress {
  /** `running`: chunks as child workflows (before the one-load patch); then extract → load → quality. */
  phase: 'planning' | 'running' | 'extract' | 'load' | 'quality' | 'succeeded' | 'failed' | 'cancelled';
  chunksTotal: number;
  /** Chunks whose rows are in the warehouse (a one-load backfill's all at once, when its load commits). */
  chunksDone: number;
  chunksFailed: number;
  chunks: BackfillChunkProgress[];
  cancelRequested: boolean;
  /** One-load backfills: the run (etl.runs) that loads the window. */
  runId?: number | null;
  /** Rows extracted so far, over every chunk. */
  rows?: number;
  /** Rows extracted per second since the extracts began (over the whole extract once it ended). */
  rowsPerSecond?: number;
  /** The load's current target, e.g. `fact_sales`. */
  loadStep?: string | null;
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

/** From a backfill part's extract to its workflow: rows of the part (over its tables) so far. */
export const partRowsSignal = defineSignal<[{ from: string; rows: number }]>('partRows');

/** From the transform activity to its workflow: the target it started. */
export const transformStepSignal = defineSignal<[{ step: string }]>('transformStep');
