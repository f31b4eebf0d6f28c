import type pg from 'pg';
import {
  type CdcBatch,
  type CdcMessage,
  type DeadLetter,
  type DecodedChange,
  type DecodedMessage,
  decodeChange,
  UndecodableChangeError,
} from '../../connectors/cdc/index.ts';
import { openCopy } from '../../connectors/index.ts';
import {
  advanceWatermark,
  beginCdcRun,
  dropRunBatches,
  ensureBatch,
  ensureMirror,
  finishRun,
  finishStep,
  holdRunLock,
  ident,
  inTransaction,
  mirrorTable,
  releaseRunLock,
  startStep,
  type Watermark,
  writeCdcApplied,
  writeCdcOffsets,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { transform } from '../steps/transform.ts';
import { onCdcPath } from '../table-modes.ts';

/** Held while a batch is applied and while `cdc switch` changes a mode: a switch never splits a batch. */
export const CDC_APPLY_LOCK = 'techmarket.cdc.apply';

/** One table's share of a micro-batch. */
interface TableChanges {
  table: SourceTable;
  /** Every version in arrival order: the SCD2 models keep each (the mirror merge takes the newest). */
  rows: string[][];
  /** Keys whose last event in the batch is a delete. */
  deletes: Set<string>;
  events: number;
  newest: Watermark | null;
  /** Newest source commit time (UTC text) for the lag: the row's cursor, or the binlog time of a delete. */
  lastSourceAt: string | null;
  binlog: Record<string, unknown> | null;
  /** Per applied row: its cursor (UTC text), for lag statistics. */
  cursors: string[];
}

export interface CdcApplyOutcome {
  runId: number | null;
  events: number;
  tombstones: number;
  deadLetters: number;
  ignored: number;
  /** Per table: events applied. */
  tables: Record<string, number>;
  /** Source cursor (UTC text) of every upsert applied, for lag statistics. */
  cursors: string[];
  /** When the warehouse committed (ms since the epoch). */
  committedAt: number;
  /** Where the batch's time went: decoding, COPY into the batch tables, the transform (ms). */
  timings: CdcBatchTimings;
}

export interface CdcBatchTimings {
  decodeMs: number;
  stageMs: number;
  transformMs: number;
  /** The transform by phase (ms): `open` up to its first step, then each step it announces (models, merges). */
  transformSteps: Record<string, number>;
}

export interface CdcApplyContext {
  deps: PipelineDeps;
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
}

const later = (a: Watermark | null, b: Watermark): Watermark =>
  !a || b.updatedAt > a.updatedAt || (b.updatedAt === a.updatedAt && BigInt(b.id) > BigInt(a.id)) ? b : a;

const msToUtcText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** What one message holds for the warehouse: a change of a table, or why it cannot be applied. */
export type CdcDecoded = { table: SourceTable; change: DecodedChange } | { table: null; reason: string };

/**
 * Decodes one message as it arrives (the consumer calls this while the batch before applies); what
 * cannot be decoded gets its reason, for the dead-letter topic.
 */
export function decodeCdcMessage(
  tablesByTopic: ReadonlyMap<string, SourceTable>,
  message: CdcMessage,
): CdcDecoded {
  const table = tablesByTopic.get(message.topic);
  if (!table) return { table: null, reason: `topic ${message.topic} belongs to no table configured for CDC` };
  try {
    return { table, change: decodeChange(message.value, table) };
  } catch (error) {
    if (!(error instanceof UndecodableChangeError)) throw error;
    return { table: null, reason: error.message };
  }
}

/** Sorts a decoded batch: per table its rows and deletes; what cannot be decoded, with the reason. */
function sortChanges(messages: readonly DecodedMessage<CdcDecoded>[]) {
  const byTable = new Map<string, TableChanges>();
  const letters: DeadLetter[] = [];
  let tombstones = 0;
  for (const message of messages) {
    const { decoded } = message;
    if (decoded.table === null) {
      letters.push({ message, reason: decoded.reason });
      continue;
    }
    const { table, change } = decoded;
    if (change.kind === 'tombstone') {
      tombstones++;
      continue;
    }
    const name = qualifiedName(table);
    let entry = byTable.get(name);
    if (!entry) {
      entry = {
        table,
        rows: [],
        deletes: new Set(),
        events: 0,
        newest: null,
        lastSourceAt: null,
        binlog: null,
        cursors: [],
      };
      byTable.set(name, entry);
    }
    entry.events++;
    entry.binlog = { ...change.binlog };
    if (change.kind === 'delete') {
      entry.deletes.add(change.key);
      const at = msToUtcText(change.sourceTsMs);
      if (!entry.lastSourceAt || at > entry.lastSourceAt) entry.lastSourceAt = at;
    } else {
      entry.deletes.delete(change.key);
      entry.rows.push(change.fields);
      entry.cursors.push(change.updatedAt);
      entry.newest = later(entry.newest, { updatedAt: change.updatedAt, id: change.key });
      if (!entry.lastSourceAt || change.updatedAt > entry.lastSourceAt) entry.lastSourceAt = change.updatedAt;
    }
  }
  return { byTable, letters, tombstones };
}

function nextOffsets(messages: readonly CdcMessage[]) {
  const next = new Map<string, { topic: string; partition: number; nextOffset: bigint }>();
  for (const m of messages) {
    const key = `${m.topic}:${m.partition}`;
    const current = next.get(key);
    if (!current || m.offset + 1n > current.nextOffset) {
      next.set(key, { topic: m.topic, partition: m.partition, nextOffset: m.offset + 1n });
    }
  }
  return [...next.values()];
}

/**
 * Applies one micro-batch: its rows COPYed into this batch's run tables, then the watermark path's
 * own transform (mirror merges, dimensions, facts) with the deletes, the offsets, the watermarks and
 * the status written inside its transaction. Events of a table not (or no longer) on the CDC path
 * are skipped: the watermark path covers it.
 */
export async function applyCdcBatch(
  context: CdcApplyContext,
  batch: CdcBatch<CdcDecoded>,
): Promise<CdcApplyOutcome> {
  const { deps } = context;
  const { messages } = batch;
  const started = performance.now();
  const { byTable, letters, tombstones } = sortChanges(messages);
  const timings: CdcBatchTimings = {
    decodeMs: batch.decodeMs + performance.now() - started,
    stageMs: 0,
    transformMs: 0,
    transformSteps: {},
  };
  const offsets = nextOffsets(messages);
  // Undecodable messages are in the dead-letter topic before the offsets past them are stored.
  await context.deadLetter(letters);

  const client = await deps.warehouse.connect();
  let runId: number | null = null;
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [CDC_APPLY_LOCK]);
    const onCdc = new Set(
      (
        await onCdcPath(
          client,
          [...byTable.values()].map((c) => c.table),
        )
      ).map(qualifiedName),
    );
    let ignored = 0;
    for (const [name, changes] of byTable) {
      if (onCdc.has(name)) continue;
      ignored += changes.events;
      byTable.delete(name);
    }
    const outcome: CdcApplyOutcome = {
      runId: null,
      events: 0,
      tombstones,
      deadLetters: letters.length,
      ignored,
      tables: {},
      cursors: [],
      committedAt: 0,
      timings,
    };
    if (byTable.size === 0) {
      await inTransaction(client, () => writeCdcOffsets(client, offsets));
      outcome.committedAt = Date.now();
      return outcome;
    }

    const tables = [...byTable.values()].map((c) => ({ ...c.table, mode: 'cdc' as const }));
    // The run row becomes visible with its liveness lock already held (session locks outlive the
    // commit): a watermark run that looks never sees it running without a live process.
    runId = await inTransaction(client, async () => {
      const id = await beginCdcRun(client, tables.map(qualifiedName));
      await holdRunLock(client, id);
      return id;
    });
    const staging = performance.now();
    for (const changes of byTable.values()) await stageChanges(deps, client, runId, changes);
    timings.stageMs = performance.now() - staging;
    const transforming = performance.now();
    const steps = stepClock(timings.transformSteps, transforming);

    await transform(
      deps,
      { runId, kind: 'cdc', tables },
      {
        onStep: steps.mark,
        afterStaging: async (tx) => {
          for (const changes of byTable.values()) await markDeleted(tx, changes, runId!);
        },
        beforeCommit: async (tx) => {
          steps.mark('offsets and commit');
          await writeCdcOffsets(tx, offsets);
          for (const [name, changes] of byTable) {
            if (changes.newest) await advanceWatermark(tx, name, changes.newest, runId!);
          }
          await writeCdcApplied(
            tx,
            [...byTable].map(([name, c]) => ({
              sourceTable: name,
              events: c.events,
              lastSourceAt: c.lastSourceAt,
              binlogPosition: c.binlog,
            })),
          );
        },
      },
    );
    outcome.committedAt = Date.now();
    steps.mark('(end)');
    timings.transformMs = performance.now() - transforming;
    await finishRun(client, runId);
    for (const [name, changes] of byTable) {
      outcome.tables[name] = changes.events;
      outcome.events += changes.events;
      outcome.cursors.push(...changes.cursors);
    }
    outcome.runId = runId;
    return outcome;
  } catch (error) {
    if (runId !== null) {
      await finishRun(client, runId, (error as Error).message).catch(() => {});
      await dropRunBatches(client, [runId]).catch(() => {});
    }
    throw error;
  } finally {
    if (runId !== null) await releaseRunLock(client, runId).catch(() => {});
    await client.query('select pg_advisory_unlock(hashtext($1))', [CDC_APPLY_LOCK]).catch(() => {});
    client.release();
  }
}

/** Adds the time from each announced step to the next into `into` (the first span is `open`). */
function stepClock(into: Record<string, number>, start: number) {
  let current = 'open';
  let since = start;
  return {
    mark(step: string) {
      const now = performance.now();
      into[current] = (into[current] ?? 0) + now - since;
      current = step;
      since = now;
    },
  };
}

/** COPYs one table's versions into this batch's run table, recorded as its 'extract' step. */
async function stageChanges(deps: PipelineDeps, client: pg.PoolClient, runId: number, changes: TableChanges) {
  const spec = stagingSpec(changes.table);
  const name = qualifiedName(changes.table);
  await ensureMirror(client, deps.renderer, spec);
  const batch = await ensureBatch(client, deps.renderer, spec, runId, { firstLoad: false });
  await startStep(client, runId, 'extract', name, { mode: 'incremental' });
  if (changes.rows.length > 0) {
    const copy = openCopy(
      client,
      batch,
      changes.table.columns.map((c) => c.name),
    );
    // ~1 MiB writes: per-row writes cost 10× (BENCHMARKS.md).
    let lines: string[] = [];
    let size = 0;
    try {
      for (const row of changes.rows) {
        const line = `${row.join('\t')}\n`;
        lines.push(line);
        size += line.length;
        if (size >= 1 << 20) {
          await copy.write(Buffer.from(lines.join('')));
          lines = [];
          size = 0;
        }
      }
      if (lines.length > 0) await copy.write(Buffer.from(lines.join('')));
      await copy.finish();
    } catch (error) {
      await copy.abort(error as Error);
      throw error;
    }
  }
  await finishStep(client, runId, 'extract', name, {
    rows_extracted: changes.events,
    rows_loaded: changes.rows.length,
    detail: {
      table: name,
      mode: 'incremental',
      rows: changes.rows.length,
      resumed: false,
      watermarkBefore: null,
      watermarkAfter: null,
    },
  });
}

/** Marks rows deleted in the source, stamped with this batch's run so the facts are recomputed. */
async function markDeleted(client: pg.ClientBase, changes: TableChanges, runId: number) {
  if (changes.deletes.size === 0) return;
  const mirror = mirrorTable(changes.table.database, changes.table.table);
  const key = ident(changes.table.primaryKey);
  await client.query(
    `update ${mirror} set _deleted_at = now(), _loaded_at = now(), _etl_run_id = $2
     where ${key} = any($1::bigint[]) and _deleted_at is null`,
    [[...changes.deletes], runId],
  );
}
