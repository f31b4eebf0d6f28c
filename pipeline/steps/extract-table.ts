import { type KeysetCursor, readSourceClock } from '../../connectors/index.ts';
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
import { copyIntoBatch } from './copy-into-batch.ts';
import { planExtract, watermarkAfter } from './extract-plan.ts';
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
    const planned = planExtract({
      table,
      kind: input.kind,
      windowFrom: input.windowFrom,
      windowTo: input.windowTo,
      watermark: watermarkBefore,
      earlierUpperBound: previous?.detail.upperBound,
    });
    // The bound is fixed at the first attempt and kept in the step's detail, so a resumed extract
    // covers exactly the rows the first attempt would have.
    const plan = {
      ...planned,
      upperBound: planned.upperBound ?? (await readSourceClock(source, table.safetyLagSeconds)),
    };
    const { mode, since, upperBound } = plan;
    // Hard-delete detection compares the source's keys with the mirror's; reading the source's side
    // now, beside the extract, spares the transform the wait (reconcile-deletes.ts says why it may).
    if (plan.readSourceKeys) {
      sourceKeys = readSourceKeyRanges(deps, table);
      sourceKeys.catch(() => {});
    }
    const firstLoad = plan.firstLoadIfMirrorEmpty && (await isMirrorEmpty(client, spec));
    const batch = await ensureBatch(client, deps.renderer, spec, input.runId, { firstLoad });
    await startStep(client, input.runId, 'extract', name, { mode, since, upperBound });
    const resumeAt = await batchResumePoint(client, spec, batch, mode);
    const after: KeysetCursor | undefined = resumeAt
      ? { updatedAt: resumeAt.updatedAt, id: resumeAt.id }
      : undefined;

    let lastBeat = Date.now();
    const result = await copyIntoBatch(deps, client, table, batch, plan, {
      after,
      rowsBefore: resumeAt?.rows ?? 0,
      onProgress,
      afterChunk: async () => {
        if (Date.now() - lastBeat > 10_000) {
          lastBeat = Date.now();
          await heartbeatRun(deps.warehouse, input.runId);
        }
      },
    });

    // The batch's highest position: what this attempt read, or (resumed) what the batch holds.
    const highest = resumeAt ? await batchResumePoint(client, spec, batch, 'incremental') : result.highest;
    const outcome: ExtractTableResult = {
      table: name,
      mode,
      rows: result.rowsDone,
      resumed: after !== undefined,
      watermarkBefore,
      watermarkAfter: watermarkAfter(plan, watermarkBefore, highest),
    };
    await finishStep(client, input.runId, 'extract', name, {
      rows_extracted: result.rows,
      rows_loaded: outcome.rows,
      watermark_before: watermarkBefore,
      watermark_after: outcome.watermarkAfter,
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
    // copyIntoBatch has ended its COPY; nothing of the step may still be reading when it fails
    await sourceKeys?.catch(() => {});
    await finishStep(client, input.runId, 'extract', name, {}, (error as Error).message).catch(() => {});
    // Here it is known which source a broken connection led to.
    throw explainConnectionLost(error, table.database) ?? error;
  } finally {
    client.release();
  }
}
