import type pg from 'pg';
import {
  type CdcBatch,
  type CdcMessage,
  CdcReplayNeededError,
  type DeadLetter,
  type DecodedChange,
  type DecodedMessage,
  decodeChange,
  UndecodableChangeError,
} from '../../connectors/cdc/index.ts';
import { openCopy } from '../../connectors/index.ts';
import { faultPause } from '../../core/fault-pause.ts';
import {
  advanceWatermark,
  batchTable,
  beginCdcRun,
  dropRunBatches,
  ensureBatch,
  finishRun,
  finishStep,
  holdRunLock,
  ident,
  inTransaction,
  mirrorTable,
  releaseRunLock,
  setRunTables,
  startStep,
  type Watermark,
  writeCdcApplied,
  writeCdcOffsets,
} from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, type SourceTable, stagingSpec } from '../source-tables.ts';
import { transform } from '../steps/transform.ts';
import { onCdcPath } from '../table-modes.ts';
import { DEFAULT_HOLD_WHILE_BACKLOG, DEFAULT_MAX_LOAD_EVENTS } from './catch-up-defaults.ts';

/** Held while a load is applied and while `cdc switch` changes a mode: a switch never splits a load. */
export const CDC_APPLY_LOCK = 'techmarket.cdc.apply';

/** One table's changes in the load under way: its rows of the batch being staged, and the totals. */
interface TableChanges {
  table: SourceTable;
  /** The batch's versions in arrival order (the SCD2 models keep each, the mirror merge the newest). */
  rows: string[][];
  /** Keys whose last event so far is a delete. */
  deletes: Set<string>;
  events: number;
  /** Whether the run's batch table and extract step exist. */
  prepared: boolean;
  /** Rows COPYed into the run's batch table. */
  staged: number;
  newest: Watermark | null;
  /** Newest source commit time (UTC text) for the lag: the row's cursor, or the binlog time of a delete. */
  lastSourceAt: string | null;
  binlog: Record<string, unknown> | null;
  /** Source commit time (ms since the epoch) of each row, for lag statistics. */
  sourceTimesMs: number[];
}

export interface CdcApplyOutcome {
  runId: number | null;
  /** Kafka micro-batches this load took in (more than one when a catch-up held them). */
  batches: number;
  events: number;
  tombstones: number;
  deadLetters: number;
  ignored: number;
  /** Per table: events applied. */
  tables: Record<string, number>;
  /** Source commit time (ms since the epoch) of every upsert applied, for lag statistics. */
  sourceTimesMs: number[];
  /** When the warehouse committed (ms since the epoch). */
  committedAt: number;
  /** From the load's first batch to its commit (ms). */
  elapsedMs: number;
  /** Where the load's time went: decoding, COPY into the batch tables, the transform (ms). */
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

export interface CdcApplierOptions {
  /**
   * A catch-up: while at least this many messages wait in Kafka after a batch, the batch is staged
   * and held, and one transform applies many batches at once (0 never holds). Each
   * transform has fixed costs and rewrites the orders it touches, and a snapshot's orders, lines and
   * payments arrive in different batches: one load of the whole backlog writes each order once (and
   * on an empty warehouse is a first load). Default DEFAULT_HOLD_WHILE_BACKLOG.
   */
  holdWhileBacklog?: number;
  /**
   * At most this many events in one load (default DEFAULT_MAX_LOAD_EVENTS); a full load commits while
   * the next one takes batches.
   */
  maxLoadEvents?: number;
  /** Hears of every load committed, in commit order. */
  onApplied?(outcome: CdcApplyOutcome): void;
}

/** A warehouse load spanning one or more micro-batches, holding its connection and locks. */
interface OpenLoad {
  client: pg.PoolClient;
  runId: number | null;
  tables: Map<string, TableChanges>;
  offsets: Map<string, { topic: string; partition: number; nextOffset: bigint }>;
  batches: number;
  tombstones: number;
  deadLetters: number;
  ignored: number;
  timings: CdcBatchTimings;
  openedAt: number;
  released: boolean;
}

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

const later = (a: Watermark | null, b: Watermark): Watermark =>
  !a || b.updatedAt > a.updatedAt || (b.updatedAt === a.updatedAt && BigInt(b.id) > BigInt(a.id)) ? b : a;

const msToUtcText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const toMs = (utcText: string) => Date.parse(`${utcText.replace(' ', 'T')}Z`);

/**
 * Sorts a decoded batch into the load: per table its rows and deletes, the offsets past it; what
 * cannot be decoded is returned with the reason.
 */
function sortInto(load: OpenLoad, messages: readonly DecodedMessage<CdcDecoded>[]): DeadLetter[] {
  const letters: DeadLetter[] = [];
  for (const message of messages) {
    const key = `${message.topic}:${message.partition}`;
    const offset = load.offsets.get(key);
    if (!offset || message.offset + 1n > offset.nextOffset) {
      load.offsets.set(key, {
        topic: message.topic,
        partition: message.partition,
        nextOffset: message.offset + 1n,
      });
    }
    const { decoded } = message;
    if (decoded.table === null) {
      letters.push({ message, reason: decoded.reason });
      continue;
    }
    const { table, change } = decoded;
    if (change.kind === 'tombstone') {
      load.tombstones++;
      continue;
    }
    const name = qualifiedName(table);
    let entry = load.tables.get(name);
    if (!entry) {
      entry = {
        table,
        rows: [],
        deletes: new Set(),
        events: 0,
        prepared: false,
        staged: 0,
        newest: null,
        lastSourceAt: null,
        binlog: null,
        sourceTimesMs: [],
      };
      load.tables.set(name, entry);
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
      entry.sourceTimesMs.push(toMs(change.updatedAt));
      entry.newest = later(entry.newest, { updatedAt: change.updatedAt, id: change.key });
      if (!entry.lastSourceAt || change.updatedAt > entry.lastSourceAt) entry.lastSourceAt = change.updatedAt;
    }
  }
  load.deadLetters += letters.length;
  return letters;
}

/**
 * Applies micro-batches: each batch's rows COPYed into its load's run tables, then the watermark
 * path's own transform (mirror merges, dimensions, facts) with the deletes, the offsets, the
 * watermarks and the status written inside its transaction. During a catch-up a load takes many
 * batches (CdcApplierOptions). Events of a table not (or no longer) on the CDC path are skipped: the
 * watermark path covers it. A load holds the CDC apply lock from its first batch to its commit, so a
 * `cdc switch` waits for it.
 */
export function createCdcApplier(context: CdcApplyContext, options: CdcApplierOptions = {}) {
  const holdWhileBacklog = options.holdWhileBacklog ?? DEFAULT_HOLD_WHILE_BACKLOG;
  const maxLoadEvents = options.maxLoadEvents ?? DEFAULT_MAX_LOAD_EVENTS;
  const { deps } = context;
  /** The load taking batches. */
  let staging: OpenLoad | null = null;
  /** The load before it, committing on its own connection meanwhile (a catch-up's full load). */
  let committing: Promise<void> | null = null;

  const commit = async (load: OpenLoad) => {
    try {
      const outcome = await commitLoad(deps, load);
      options.onApplied?.(outcome);
    } catch (error) {
      await abandonLoad(load, error as Error);
      throw error;
    }
  };

  return {
    /** `applied` once every batch so far is durable; `held` while a load (staging or committing) holds some. */
    async apply(batch: CdcBatch<CdcDecoded>): Promise<'applied' | 'held'> {
      const heldBefore = staging !== null || committing !== null;
      let load: OpenLoad | null = staging;
      try {
        load ??= staging = await openLoad(deps);
        const started = performance.now();
        const letters = sortInto(load, batch.messages);
        load.timings.decodeMs += batch.decodeMs + performance.now() - started;
        // Undecodable messages are in the dead-letter topic before the offsets past them are stored.
        await context.deadLetter(letters);
        await stageBatch(deps, load);
        load.batches++;
        const catchingUp = holdWhileBacklog > 0 && batch.backlog >= holdWhileBacklog;
        if (catchingUp && eventsIn(load) < maxLoadEvents) {
          faultPause('cdc-load-held');
          return 'held';
        }
        // This load takes no more batches; it commits after the one before it.
        const before = committing;
        staging = null;
        committing = null;
        if (before) await before;
        if (catchingUp) {
          // More waits in Kafka: the next load stages while this one transforms.
          committing = commit(load);
          committing.catch(() => {}); // surfaced where it is awaited
          return 'held';
        }
        await commit(load);
        return 'applied';
      } catch (error) {
        const lost = staging ?? load;
        staging = null;
        committing = null;
        if (lost) await abandonLoad(lost, error as Error);
        // Batches held before this one were only in the lost loads: Kafka must send them again.
        if (heldBefore) {
          throw new CdcReplayNeededError(
            `the catch-up load holding earlier batches failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}

/** Events of the tables the load applies (those found off the CDC path are no longer in it). */
function eventsIn(load: OpenLoad): number {
  let events = 0;
  for (const changes of load.tables.values()) events += changes.events;
  return events;
}

async function openLoad(deps: PipelineDeps): Promise<OpenLoad> {
  const client = await deps.warehouse.connect();
  try {
    // Shared: a catch-up's next load stages while the one before commits; `cdc switch` takes it alone.
    await client.query('select pg_advisory_lock_shared(hashtext($1))', [CDC_APPLY_LOCK]);
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    client,
    runId: null,
    tables: new Map(),
    offsets: new Map(),
    batches: 0,
    tombstones: 0,
    deadLetters: 0,
    ignored: 0,
    timings: { decodeMs: 0, stageMs: 0, transformMs: 0, transformSteps: {} },
    openedAt: performance.now(),
    released: false,
  };
}

/**
 * COPYs the rows sorted into the load since the last call into the run's batch tables, in one
 * transaction (a failure stages none of them); tables not on the CDC path are dropped from the load.
 */
async function stageBatch(deps: PipelineDeps, load: OpenLoad) {
  const { client } = load;
  const fresh = [...load.tables.values()].filter((c) => !c.prepared);
  if (fresh.length > 0) {
    const onCdc = new Set(
      (
        await onCdcPath(
          client,
          fresh.map((c) => c.table),
        )
      ).map(qualifiedName),
    );
    for (const changes of fresh) {
      const name = qualifiedName(changes.table);
      if (onCdc.has(name)) continue;
      load.ignored += changes.events;
      load.tables.delete(name);
    }
  }
  const pending = [...load.tables.values()].filter((c) => !c.prepared || c.rows.length > 0);
  if (pending.length === 0) return;
  if (load.runId === null) {
    // The run row becomes visible with its liveness lock already held (session locks outlive the
    // commit): a watermark run that looks never sees it running without a live process.
    load.runId = await inTransaction(client, async () => {
      const id = await beginCdcRun(client, [...load.tables.keys()]);
      await holdRunLock(client, id);
      return id;
    });
  }
  const runId = load.runId;
  const staging = performance.now();
  await inTransaction(client, async () => {
    for (const changes of pending) {
      const spec = stagingSpec(changes.table);
      if (!changes.prepared) {
        // (Not the mirror: the transform's opening makes sure of every mirror, in its own transaction;
        // made here too, it raced the previous load's transform creating it.)
        const name = qualifiedName(changes.table);
        await ensureBatch(client, deps.renderer, spec, runId, { firstLoad: false });
        await startStep(client, runId, 'extract', name, { mode: 'incremental' });
      }
      if (changes.rows.length > 0) {
        await copyRows(client, batchTable(changes.table.database, changes.table.table, runId), changes);
      }
    }
  });
  for (const changes of pending) {
    changes.prepared = true;
    changes.staged += changes.rows.length;
    changes.rows = [];
  }
  load.timings.stageMs += performance.now() - staging;
}

/** COPYs one table's rows of this batch into the run's batch table. */
async function copyRows(client: pg.PoolClient, batch: string, changes: TableChanges) {
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

/** Transforms what the load staged and commits it with its offsets; releases its connection. */
async function commitLoad(deps: PipelineDeps, load: OpenLoad): Promise<CdcApplyOutcome> {
  const { client, runId, timings } = load;
  const outcome: CdcApplyOutcome = {
    runId,
    batches: load.batches,
    events: 0,
    tombstones: load.tombstones,
    deadLetters: load.deadLetters,
    ignored: load.ignored,
    tables: {},
    sourceTimesMs: [],
    committedAt: 0,
    elapsedMs: 0,
    timings,
  };
  const offsets = [...load.offsets.values()];
  if (runId === null) {
    await inTransaction(client, () => writeCdcOffsets(client, offsets));
    outcome.committedAt = Date.now();
    outcome.elapsedMs = performance.now() - load.openedAt;
    await release(load);
    return outcome;
  }
  const byTable = load.tables;
  for (const [name, changes] of byTable) {
    await finishStep(client, runId, 'extract', name, {
      rows_extracted: changes.events,
      rows_loaded: changes.staged,
      detail: {
        table: name,
        mode: 'incremental',
        rows: changes.staged,
        resumed: false,
        watermarkBefore: null,
        watermarkAfter: null,
      },
    });
  }
  await setRunTables(client, runId, [...byTable.keys()]);
  const tables = [...byTable.values()].map((c) => ({ ...c.table, mode: 'cdc' as const }));
  const transforming = performance.now();
  const steps = stepClock(timings.transformSteps, transforming);
  await transform(
    deps,
    { runId, kind: 'cdc', tables },
    {
      onStep: steps.mark,
      afterStaging: async (tx) => {
        for (const changes of byTable.values()) await markDeleted(tx, changes, runId);
      },
      beforeCommit: async (tx) => {
        steps.mark('offsets and commit');
        await writeCdcOffsets(tx, offsets);
        for (const [name, changes] of byTable) {
          if (changes.newest) await advanceWatermark(tx, name, changes.newest, runId);
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
  outcome.elapsedMs = performance.now() - load.openedAt;
  steps.mark('(end)');
  timings.transformMs = performance.now() - transforming;
  await finishRun(client, runId);
  await release(load);
  for (const [name, changes] of byTable) {
    outcome.tables[name] = changes.events;
    outcome.events += changes.events;
  }
  outcome.sourceTimesMs = [...byTable.values()].flatMap((c) => c.sourceTimesMs);
  return outcome;
}

/** A load that failed: its run marked failed, its batch tables dropped, its connection released. */
async function abandonLoad(load: OpenLoad, error: Error) {
  if (load.released) return;
  const { client, runId } = load;
  if (runId !== null) {
    await finishRun(client, runId, error.message).catch(() => {});
    await dropRunBatches(client, [runId]).catch(() => {});
  }
  await release(load);
}

async function release(load: OpenLoad) {
  if (load.released) return;
  load.released = true;
  const { client, runId } = load;
  if (runId !== null) await releaseRunLock(client, runId).catch(() => {});
  await client.query('select pg_advisory_unlock_shared(hashtext($1))', [CDC_APPLY_LOCK]).catch(() => {});
  client.release();
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
