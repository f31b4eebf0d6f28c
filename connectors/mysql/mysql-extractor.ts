import type { Connection as CoreConnection } from 'mysql2';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { SourceError } from '../errors.ts';
import { COPY_CHUNK_BYTES } from '../postgres/postgres-copy-loader.ts';
import { CopyTextTranscoder } from './copy-text-transcoder.ts';

/** A keyset position in a source table: rows strictly after it are read next. */
export interface KeysetCursor {
  /** DATETIME(6) as the exact 'YYYY-MM-DD HH:MM:SS.ffffff' string, UTC. */
  updatedAt: string;
  id: string;
}

export interface ExtractRequest {
  table: string;
  columns: readonly string[];
  keyColumn: string;
  cursorColumn: string;
  /**
   * `full`: walk the primary key (a clustered-index scan, as fast as a plain dump);
   * `incremental`: walk the (updated_at, id) index from `since`.
   */
  mode: 'full' | 'incremental';
  /** incremental: first updated_at to read (inclusive) — the watermark minus the lookback window. */
  since?: string;
  /** Resume strictly after this position (full mode: only `id` matters). */
  after?: KeysetCursor | undefined;
  /** Upper bound on updated_at (inclusive); computed from the source's clock when absent. */
  upperBound?: string | undefined;
  /** Rows newer than the source's NOW(6) minus this are left for the next run. */
  safetyLagSeconds: number;
  /** Rows per keyset page; each page is one query. */
  pageRows: number;
  /** At most this many rows are handed to `sink` at a time (and at most ~1 MiB). */
  chunkRows: number;
  /** Per column: whether its values can hold tabs, newlines or backslashes (text, JSON). */
  escapeColumns: readonly boolean[];
}

/** Rows as COPY text lines (PostgreSQL's text format), ready for `COPY … FROM STDIN`. */
export interface CopyTextChunk {
  text: Buffer;
  rows: number;
  /** Gives the text's memory back for the next chunks; call it once nothing refers to the text. */
  recycle(): void;
}

export interface ExtractResult {
  rows: number;
  upperBound: string;
  /** The highest (cursor, key) among the rows read; undefined when there were none. */
  highest: KeysetCursor | undefined;
}

const q = (identifier: string) => `\`${identifier.replaceAll('`', '``')}\``;

/**
 * Streams a source table's rows past a position, in one consistent snapshot, bounded above by the
 * source's own clock (never the worker's). Rows are handed to `sink` as COPY text in `columns` order,
 * in chunks; the stream is paused while the sink works, so memory does not grow with the table.
 */
export async function extractRows(
  pool: Pool,
  request: ExtractRequest,
  sink: (chunk: CopyTextChunk) => Promise<void>,
): Promise<ExtractResult> {
  const connection = await pool.getConnection();
  try {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const upperBound = request.upperBound ?? (await readSourceClock(connection, request.safetyLagSeconds));
    const keyIndex = request.columns.indexOf(request.keyColumn);
    const cursorIndex = request.columns.indexOf(request.cursorColumn);
    if (keyIndex < 0 || cursorIndex < 0) {
      throw new SourceError(
        `${request.table}: columns must include ${request.keyColumn} and ${request.cursorColumn}`,
      );
    }
    if (request.escapeColumns[keyIndex] || request.escapeColumns[cursorIndex]) {
      throw new SourceError(`${request.table}: the key and cursor columns must be numbers or DATETIMEs`);
    }
    const transcoder = new CopyTextTranscoder(request.escapeColumns, COPY_CHUNK_BYTES * 2, {
      cursor: cursorIndex,
      key: keyIndex,
    });
    let position = request.after;
    let total = 0;
    for (;;) {
      const { sql, params } = pageQuery(request, position, upperBound);
      let pageCount = 0;
      await streamQueryAsCopyText(
        connection,
        sql,
        params,
        transcoder,
        request.chunkRows,
        async (chunk, last) => {
          position = { updatedAt: last.cursor, id: last.key };
          pageCount += chunk.rows;
          await sink(chunk);
        },
      );
      total += pageCount;
      if (pageCount < request.pageRows) break;
    }
    await connection.query('COMMIT');
    connection.release();
    const highest = transcoder.highest;
    return {
      rows: total,
      upperBound,
      highest: highest && { updatedAt: highest.cursor, id: highest.key },
    };
  } catch (error) {
    // A failure can leave a result set half read (or the connection paused) on this connection: it is
    // discarded, never handed back to the pool. Its read-only transaction ends with it.
    connection.destroy();
    throw SourceError.wrap(error, `extract from ${request.table}`);
  }
}

/** The source's own clock minus a safety lag: the upper bound of an extract (never the worker's clock). */
export async function readSourceClock(pool: Pool | PoolConnection, lagSeconds: number): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT CAST(NOW(6) - INTERVAL ? MICROSECOND AS DATETIME(6)) AS bound',
    [Math.round(lagSeconds * 1e6)],
  );
  return String(rows[0]!.bound);
}

function pageQuery(
  request: ExtractRequest,
  after: KeysetCursor | undefined,
  upperBound: string,
): { sql: string; params: unknown[] } {
  const columns = request.columns.map(q).join(', ');
  const key = q(request.keyColumn);
  const cursor = q(request.cursorColumn);
  const where: string[] = [`${cursor} <= ?`];
  const params: unknown[] = [upperBound];
  let order: string;
  if (request.mode === 'full') {
    if (after) {
      where.push(`${key} > ?`);
      params.push(after.id);
    }
    order = key;
  } else {
    if (request.since) {
      where.push(`${cursor} >= ?`);
      params.push(request.since);
    }
    if (after) {
      // Expanded row comparison: MySQL and MariaDB both turn it into an index range.
      where.push(`(${cursor} > ? OR (${cursor} = ? AND ${key} > ?))`);
      params.push(after.updatedAt, after.updatedAt, after.id);
    }
    order = `${cursor}, ${key}`;
  }
  params.push(request.pageRows);
  // A first load walks the primary key; left to itself the optimizer takes the updated_at index for
  // the bound and sorts every page (3.3x slower at 3.5M rows).
  const hint = request.mode === 'full' ? ' FORCE INDEX (PRIMARY)' : '';
  return {
    sql: `SELECT ${columns} FROM ${q(request.table)}${hint} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    params,
  };
}

/** The part of mysql2's query command this module hooks (mysql2/lib/commands/query.js). */
interface QueryCommand {
  row?: RowHandler;
  on(event: 'error', listener: (error: Error) => void): QueryCommand;
  on(event: 'end', listener: () => void): QueryCommand;
}
type RowHandler = (this: QueryCommand, packet: RowPacket, connection: unknown) => unknown;
interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
}

/**
 * Runs one query and feeds `onChunk` with its rows as COPY text (see CopyTextTranscoder), pausing the
 * connection while a chunk is written. mysql2 parses each row packet through its query command's
 * `row` state; this replaces that state for this one query so the packets are transcoded instead of
 * decoded into JavaScript values (end of rows, errors and completion stay mysql2's own).
 */
function streamQueryAsCopyText(
  connection: PoolConnection,
  sql: string,
  params: unknown[],
  transcoder: CopyTextTranscoder,
  chunkRows: number,
  onChunk: (chunk: CopyTextChunk, last: { cursor: string; key: string }) => Promise<void>,
): Promise<void> {
  // The callback-style core connection streams rows without buffering the result set.
  const core = (connection as unknown as { connection: CoreConnection }).connection;
  let onConnectionError: ((error: Error) => void) | undefined;
  return new Promise<void>((resolve, reject) => {
    let pending: Promise<void> = Promise.resolve();
    let failed = false;
    // A connection that already broke (reset while idle between two queries) reports a query given
    // to it on the connection, not on the query command, which then never ends: heard here, or the
    // extract would wait forever (found with a Toxiproxy reset_peer, tests/faults/).
    onConnectionError = (error: Error) => {
      failed = true;
      reject(error);
    };
    core.once('error', onConnectionError);
    const command = core.query({ sql, values: params }) as unknown as QueryCommand;
    const parseRow = command.row;
    if (typeof parseRow !== 'function') {
      reject(
        new SourceError('this mysql2 version has no row state to hook: pin the version in package.json'),
      );
      return;
    }
    const flush = () => {
      core.pause();
      const last = transcoder.last;
      const taken = transcoder.take();
      const chunk = { ...taken, recycle: () => transcoder.recycle(taken.text) };
      pending = pending
        .then(() => onChunk(chunk, last))
        .then(
          () => core.resume(),
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
    };
    const transcodeRow: RowHandler = function (packet, conn) {
      if (packet.isEOF()) return parseRow.call(this, packet, conn);
      if (failed) return transcodeRow; // the rest of the result set is read and dropped
      try {
        transcoder.addRow(packet.buffer, packet.offset, packet.end);
        if (transcoder.rows >= chunkRows || transcoder.bytes >= COPY_CHUNK_BYTES) flush();
      } catch (error) {
        failed = true;
        reject(error);
      }
      return transcodeRow;
    };
    command.row = transcodeRow;
    command.on('error', (error: Error) => {
      failed = true;
      reject(error);
    });
    command.on('end', () => {
      if (failed) return;
      if (transcoder.rows > 0) flush();
      pending.then(() => resolve(), reject);
    });
  }).finally(() => {
    if (onConnectionError) core.removeListener('error', onConnectionError);
  });
}
