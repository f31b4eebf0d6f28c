import {
  type CopyWriter,
  extractRows,
  type KeysetCursor,
  openCopy,
  readSourceClock,
} from '../../connectors/index.ts';
import { ConfigError } from '../../core/errors.ts';
import {
  batchResumePoint,
  ensureBatch,
  ensureMirror,
  finishStep,
  getStep,
  heartbeatRun,
  inTransaction,
  isMirrorEmpty,
  prepareBatchForAdoption,
  readWatermark,
  type StepDetail,
  startStep,
} from '../../warehouse/index.ts';
import { explainConnectionLost } from '../connection-lost.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { effectiveModes } from '../table-modes.ts';
import { type KeyRanges, readSourceKeyRanges } from './reconcile-deletes.ts';

export interface ExtractTableInput {
  runId: number;
  table: string;
  /** backfill: re-read rows whose updated_at falls in [windowFrom, windowTo], watermark untouched. */
  kind: 'incremental' | 'backfill';
  windowFrom?: string;
  windowTo?: string;
}

/** An extract's result, as its step keeps it (warehouse/step-kinds.ts). */
export type ExtractTableResult = Pick<
  ExtractStepDetail,
  'table' | 'mode' | 'rows' | 'resumed' | 'watermarkBefore' | 'watermarkAfter'
>;

/** What the extract step keeps in etl.run_steps for the transform, besides its result. */
export type ExtractStepDetail = StepDetail<'extract'>;

/** Subtracts seconds from a 'YYYY-MM-DD HH:MM:SS.ffffff' UTC timestamp, keeping the microseconds. */
export function minusSeconds(timestamp: string, seconds: number): string {
  const [whole, fraction = '000000'] = timestamp.split('.');
  const shifted = new Date(Date.parse(`${whole!.replace(' ', 'T')}Z`) - seconds * 1000);
  return `${shifted.toISOString().slice(0, 19).replace('T', ' ')}.${fraction.padEnd(6, '0')}`;
}

/**
 * Extracts one source table past its watermark (minus the lookback window) into this run's batch
 * table. Resumable: a retry of the same run continues after the last committed COPY.
 */
export async function extractTable(
  deps: PipelineDeps,
  table: SourceTable,
  input: ExtractTableInput,
  onProgress: (rows: number) => void = () => {},
): Promise<ExtractTableResult> {
  const name = qualifiedName(table);
  if ((await effectiveModes(deps.warehouse, [table])).get(name) === 'cdc') {
    throw new ConfigError(
      `${name} is fed by CDC (its mode in etl.table_modes or source-tables.ts is 'cdc')`,
      {
        hint: `hand it back with: techmarket cdc switch --table ${name} --to watermark`,
      },
    );
  }
  const spec = stagingSpec(table);
  const client = await deps.warehouse.connect();
  let copy: CopyWriter | undefined;
  let sourceKeys: Promise<KeyRanges> | undefined;
  try {
    await ensureMirror(client, deps.renderer, spec);
    const previous = await getStep(client, input.runId, 'extract', name);
    if (previous?.status === 'succeeded') {
      // A retried activity after the extract finished: nothing left to do.
      return previous.detail;
    }
    const watermarkBefore = (await readWatermark(client, name)) ?? null;
    const source = deps.source(table.database);
    // The bound is fixed at the first attempt and kept in the step's detail, so a resumed extract
    // covers exactly the rows the first attempt would have.
    let mode: 'full' | 'incremental';
    let since: string | undefined;
    let upperBound = previous?.detail.upperBound;
    if (input.kind === 'backfill') {
      mode = 'incremental';
      since = input.windowFrom;
      upperBound ??= input.windowTo;
    } else if (watermarkBefore) {
      mode = 'incremental';
      since = minusSeconds(watermarkBefore.updatedAt, table.lookbackSeconds);
    } else {
      mode = 'full';
    }
    upperBound ??= await readSourceClock(source, table.safetyLagSeconds);
    // Hard-delete detection compares the source's keys with the mirror's; reading the source's side
    // now, beside the extract, spares the transform the wait (reconcile-deletes.ts says why it may).
    if (table.detectHardDeletes && input.kind === 'incremental' && mode === 'incremental') {
      sourceKeys = readSourceKeyRanges(deps, table);
      sourceKeys.catch(() => {});
    }
    const firstLoad = mode === 'full' && input.kind === 'incremental' && (await isMirrorEmpty(client, spec));
    const batch = await ensureBatch(client, deps.renderer, spec, input.runId, { firstLoad });
    await startStep(client, input.runId, 'extract', name, { mode, since, upperBound });
    const resumeAt = await batchResumePoint(client, spec, batch, mode);
    const after: KeysetCursor | undefined = resumeAt
      ? { updatedAt: resumeAt.updatedAt, id: resumeAt.id }
      : undefined;
    let rowsDone = resumeAt?.rows ?? 0;
    onProgress(rowsDone);

    const columns = table.columns.map((c) => c.name);
    let rowsInCopy = 0;
    let lastBeat = Date.now();
    const result = await extractRows(
      source,
      {
        table: table.table,
        columns,
        keyColumn: table.primaryKey,
        cursorColumn: table.cursorColumn,
        mode,
        since,
        after,
        upperBound,
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
        onProgress(rowsDone);
        if (rowsInCopy >= deps.tuning.commitEveryRows) {
          await copy.finish();
          copy = undefined;
          rowsInCopy = 0;
        }
        if (Date.now() - lastBeat > 10_000) {
          lastBeat = Date.now();
          await heartbeatRun(deps.warehouse, input.runId);
        }
      },
    );
    if (copy) await (copy as CopyWriter).finish();

    // The batch's highest position: what this attempt read, or (resumed) what the batch holds.
    const highest = resumeAt ? await batchResumePoint(client, spec, batch, 'incremental') : result.highest;
    const watermarkAfter =
      input.kind === 'incremental' && highest
        ? { updatedAt: highest.updatedAt, id: highest.id }
        : watermarkBefore;
    const outcome: ExtractTableResult = {
      table: name,
      mode,
      rows: rowsDone,
      resumed: after !== undefined,
      watermarkBefore,
      watermarkAfter,
    };
    await finishStep(client, input.runId, 'extract', name, {
      rows_extracted: result.rows,
      rows_loaded: outcome.rows,
      watermark_before: watermarkBefore,
      watermark_after: watermarkAfter,
      detail: {
        ...outcome,
        since,
        upperBound: result.upperBound,
        sourceKeyRanges: sourceKeys && Object.fromEntries(await sourceKeys),
      } satisfies ExtractStepDetail,
    });
    if (firstLoad) {
      // The transform reads this batch as the mirror (and indexes it meanwhile): give it the mirror's
      // columns and statistics now. Should this fail, the transform does it.
      await inTransaction(client, () => prepareBatchForAdoption(client, batch, input.runId)).catch(() => {});
    }
    return outcome;
  } catch (error) {
    // An open COPY holds the client: end it (loading nothing of this chunk) before recording the failure.
    await copy?.abort(error as Error);
    // and nothing of the step may still be reading when it fails
    await sourceKeys?.catch(() => {});
    await finishStep(client, input.runId, 'extract', name, {}, (error as Error).message).catch(() => {});
    // Here it is known which source a broken connection led to.
    throw explainConnectionLost(error, table.database) ?? error;
  } finally {
    client.release();
  }
}
