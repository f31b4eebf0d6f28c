import type pg from 'pg';
import {
  type CopyWriter,
  type ExtractResult,
  extractRows,
  type KeysetCursor,
  openCopy,
} from '../../connectors/index.ts';
import type { PipelineDeps } from '../deps.ts';
import type { SourceTable } from '../source-tables.ts';
import type { ExtractPlan } from './extract-plan.ts';

export interface CopyIntoBatchOptions {
  /** Resume strictly after this position (what the batch already holds). */
  after?: KeysetCursor | undefined;
  /** Rows the batch already held, counted into `onProgress`. */
  rowsBefore?: number;
  onProgress?: (rows: number) => void;
  /** Called after every chunk: the run's liveness heartbeat, where the caller keeps one. */
  afterChunk?: () => Promise<void>;
}

/**
 * The I/O of an extract plan: streams the source rows the plan names into `batch` with COPY, committing
 * every `commitEveryRows` rows (each COPY is its own statement, so what is committed survives a
 * crash and a retry resumes after it). On failure the COPY in progress is aborted, loading nothing of
 * its chunk, before the error goes up: the client is free for the caller's bookkeeping.
 */
export async function copyIntoBatch(
  deps: PipelineDeps,
  client: pg.PoolClient,
  table: SourceTable,
  batch: string,
  plan: Pick<ExtractPlan, 'mode' | 'since' | 'upperBound'>,
  options: CopyIntoBatchOptions = {},
): Promise<ExtractResult & { rowsDone: number }> {
  const columns = table.columns.map((c) => c.name);
  let copy: CopyWriter | undefined;
  let rowsDone = options.rowsBefore ?? 0;
  let rowsInCopy = 0;
  options.onProgress?.(rowsDone);
  try {
    const result = await extractRows(
      deps.source(table.database),
      {
        table: table.table,
        columns,
        keyColumn: table.primaryKey,
        cursorColumn: table.cursorColumn,
        mode: plan.mode,
        since: plan.since,
        after: options.after,
        upperBound: plan.upperBound,
        safetyLagSeconds: table.safetyLagSeconds,
        pageRows: deps.tuning.pageRows,
        chunkRows: deps.tuning.chunkRows,
        escapeColumns: table.columns.map((c) => c.type === 'text' || c.type === 'json'),
      },
      async (chunk) => {
        copy ??= openCopy(client, batch, columns);
        await copy.write(chunk.text, chunk.recycle);
        rowsInCopy += chunk.rows;
        rowsDone += chunk.rows;
        options.onProgress?.(rowsDone);
        if (rowsInCopy >= deps.tuning.commitEveryRows) {
          await copy.finish();
          copy = undefined;
          rowsInCopy = 0;
        }
        await options.afterChunk?.();
      },
    );
    if (copy) await (copy as CopyWriter).finish();
    return { ...result, rowsDone };
  } catch (error) {
    // An open COPY holds the client: end it (loading nothing of this chunk) before anything else.
    await (copy as CopyWriter | undefined)?.abort(error as Error);
    throw error;
  }
}
