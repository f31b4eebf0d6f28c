import type pg from 'pg';
import type { PipelineDeps } from '../../deps.ts';
import type { SourceTable } from '../../source-tables.ts';
import type { BatchAdoption } from '../batch-adoption.ts';
import type { ExtractStepDetail } from '../extract-table.ts';
import type { KeyRanges } from '../reconcile-deletes.ts';

export interface TransformInput {
  runId: number;
  /**
   * incremental: batches read above the watermarks (hard deletes reconciled against the source's keys);
   * backfill: a window read again, also repairing facts that disagree with it; cdc: changes from the
   * binlog, deletes included, watermarks advanced by the caller, nothing to repair (a redelivered
   * event the guarded mirror merge skips touches no fact).
   */
  kind: 'incremental' | 'backfill' | 'cdc';
  tables: readonly SourceTable[];
}

export interface TargetCounts {
  target: string;
  inserted: number;
  updated: number;
  deleted: number;
  merged: number;
  durationMs: number;
}

export interface TransformHooks {
  onStep?: (target: string) => void;
  /**
   * Called once while the fact is built, when the transform's second connection has finished its
   * staging indexes: the fact's one statement leaves the other core to the caller from then on.
   */
  onSpareCore?: () => void;
  /** In the transaction, after the batches are in the mirrors and before the models (CDC's deletes). */
  afterStaging?: (client: pg.ClientBase) => Promise<void>;
  /** In the transaction, just before it commits (CDC's offsets commit with the data they cover). */
  beforeCommit?: (client: pg.ClientBase) => Promise<void>;
}

/** What the load's phases share: its one transaction's client, its input, and what each phase found. */
export interface Load {
  deps: PipelineDeps;
  client: pg.PoolClient;
  input: TransformInput;
  hooks: Required<Pick<TransformHooks, 'onStep' | 'onSpareCore'>>;
  /** The extract step's record per table (`db.table`). */
  extracts: Map<string, ExtractStepDetail>;
  adoption: BatchAdoption;
  /** Hard-delete detection's source side per merged table, being read beside the merges. */
  sourceKeyReads: Map<string, Promise<KeyRanges>>;
  /** Each table's batch, by `db.table`. */
  batches: Record<string, string>;
  /** First loads: the models read the batches that become the mirrors once their indexes are built. */
  sources: Record<string, string>;
  /** Batches merged into their mirrors, dropped at the end. */
  mergedBatches: string[];
  /** Rows written per target, in pipeline order, for the run summary. */
  targets: TargetCounts[];
}

/** A resumed extract may hold a row twice: its batch is merged (deduplicated), never adopted. */
export function needsDedupe(extracts: Map<string, ExtractStepDetail>, name: string, table: SourceTable) {
  return extracts.get(name)!.resumed || table.mode === 'cdc';
}
