import {
  batchTable,
  ensureBatch,
  ensureMirror,
  finishStep,
  getRun,
  getStep,
  ident,
  readWatermark,
  startStep,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { copyIntoBatch } from './copy-into-batch.ts';
import { planExtract } from './extract-plan.ts';
import type { ExtractStepDetail } from './extract-table.ts';

/**
 * A backfill split into parts (whole days): every part of every table reads its slice of the window
 * into the run's one batch table of that table, side by side, so the transform, the delete
 * reconciliation and the DQ gate run once for the whole window, as in `etl backfill --local`.
 * The parts never overlap (each row has one updated_at), so concurrent COPYs into one batch do not
 * conflict; each part is a step of its own (`<db.table>@<first day>`), which is what makes a
 * resumed backfill skip the parts already read.
 */
export interface WindowPart {
  /** First day of the part, names its step. */
  from: string;
  windowFrom: string;
  windowTo: string;
}

export interface WindowPartResult {
  table: string;
  from: string;
  rows: number;
  /** False when the part had already been read by an earlier attempt: the source was not read again. */
  read: boolean;
}

/** The step target of one part of one table. */
export const partTarget = (table: string, from: string) => `${table}@${from}`;

/**
 * Before any part runs: the mirrors and the run's batch tables, created one after another
 * (CREATE TABLE IF NOT EXISTS from concurrent sessions can collide on the catalogue).
 */
export async function prepareWindowBatches(
  deps: PipelineDeps,
  runId: number,
  tables: readonly SourceTable[],
): Promise<void> {
  const client = await deps.warehouse.connect();
  try {
    for (const table of tables) {
      const spec = stagingSpec(table);
      await ensureMirror(client, deps.renderer, spec);
      await ensureBatch(client, deps.renderer, spec, runId, { firstLoad: false });
    }
  } finally {
    client.release();
  }
}

/**
 * One part of one table into the run's batch. A part that succeeded before returns at once; one that
 * was cut off (a killed worker) deletes what it had copied and reads its slice again.
 */
export async function extractWindowPart(
  deps: PipelineDeps,
  table: SourceTable,
  runId: number,
  part: WindowPart,
  onProgress: (rows: number) => void = () => {},
): Promise<WindowPartResult> {
  const name = qualifiedName(table);
  const target = partTarget(name, part.from);
  const spec = stagingSpec(table);
  const batch = batchTable(spec.database, spec.table, runId);
  const client = await deps.warehouse.connect();
  try {
    const previous = await getStep(client, runId, 'extract', target);
    if (previous?.status === 'succeeded') {
      return { table: name, from: part.from, rows: previous.detail.rows, read: false };
    }
    // a part is a backfill of its slice: read by (updated_at, id) between its bounds, watermark untouched
    const plan = planExtract({
      table,
      kind: 'backfill',
      windowFrom: part.windowFrom,
      windowTo: part.windowTo,
      watermark: null,
    });
    await startStep(client, runId, 'extract', target, {
      mode: plan.mode,
      since: plan.since,
      upperBound: plan.upperBound,
    });
    if (previous) {
      // Rows of an earlier, cut-off attempt: only this part's slice, which no other part writes.
      const cursor = ident(spec.cursorColumn);
      await client.query(
        `delete from ${batch} where ${cursor} >= ($1::timestamp at time zone 'UTC') and ${cursor} <= ($2::timestamp at time zone 'UTC')`,
        [part.windowFrom, part.windowTo],
      );
    }
    const result = await copyIntoBatch(deps, client, table, batch, plan, { onProgress });
    const rows = result.rowsDone;
    const detail: ExtractStepDetail = {
      table: name,
      mode: plan.mode,
      rows,
      resumed: previous !== undefined,
      watermarkBefore: null,
      watermarkAfter: null,
      since: plan.since,
      upperBound: result.upperBound,
    };
    await finishStep(client, runId, 'extract', target, { rows_extracted: rows, rows_loaded: rows, detail });
    return { table: name, from: part.from, rows, read: true };
  } catch (error) {
    await finishStep(client, runId, 'extract', target, {}, (error as Error).message).catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * How far the sources' clocks may run ahead of the warehouse's when deciding that no row of a window
 * can change while its parts read it (below).
 */
const CLOCK_SKEW_ALLOWANCE_SECONDS = 300;

/**
 * Whether a row can be updated into the window (`windowTo`, UTC text) while its parts read it, so that
 * two parts hold it: only if the window reaches the time the run began (`runStartedMs`), less the
 * table's safety lag (commits that land late with an earlier updated_at) and the clock allowance.
 */
export function windowMayChangeWhileRead(
  windowTo: string,
  runStartedMs: number,
  safetyLagSeconds: number,
): boolean {
  const end = Date.parse(`${windowTo.replace(' ', 'T').slice(0, 23)}Z`);
  return !(end < runStartedMs - (safetyLagSeconds + CLOCK_SKEW_ALLOWANCE_SECONDS) * 1000);
}

/**
 * After every part: the table's own extract step, which the transform reads, as one extract of the
 * whole window would have written it. Its rows were counted by the parts (rows_extracted stays 0, so
 * totals over a run's extract steps count each row once). A row updated while the parts ran can sit
 * in two of them, but only if its new updated_at falls in the window: when the window ends before the
 * run began (less the table's safety lag for late commits, and an allowance for the clocks), it
 * cannot, and the batch is merged as one extract's would be; otherwise it is marked resumed, so the
 * merge dedupes (a sort of the whole batch: 2 s of a year at scale 10).
 */
export async function recordWindowExtract(
  deps: PipelineDeps,
  table: SourceTable,
  runId: number,
  window: { windowFrom: string; windowTo: string },
  parts: readonly WindowPartResult[],
): Promise<ExtractStepDetail> {
  const name = qualifiedName(table);
  const client = await deps.warehouse.connect();
  try {
    const watermark = (await readWatermark(client, name)) ?? null;
    const rows = parts.filter((p) => p.table === name).reduce((sum, p) => sum + p.rows, 0);
    const run = await getRun(client, runId);
    const detail: ExtractStepDetail = {
      table: name,
      mode: 'incremental',
      rows,
      resumed: windowMayChangeWhileRead(window.windowTo, Date.parse(run!.started_at), table.safetyLagSeconds),
      watermarkBefore: watermark,
      watermarkAfter: watermark,
      since: window.windowFrom,
      upperBound: window.windowTo,
    };
    await startStep(client, runId, 'extract', name, {
      mode: 'incremental',
      since: window.windowFrom,
      upperBound: window.windowTo,
    });
    await finishStep(client, runId, 'extract', name, {
      rows_loaded: rows,
      watermark_before: watermark,
      watermark_after: watermark,
      detail,
    });
    return detail;
  } finally {
    client.release();
  }
}
