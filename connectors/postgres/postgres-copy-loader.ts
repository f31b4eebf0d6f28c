import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** pg-copy-streams makes two syscalls per chunk it is given: hand it ~1 MiB at a time. */
export const COPY_CHUNK_BYTES = 1 << 20;
/**
 * How much may wait in the COPY stream before the writer pauses. Well above one chunk, so the source
 * keeps streaming while PostgreSQL works through the last chunks; at the default 16 KiB every chunk
 * waited for a drain and the two servers took turns (the extract ran at half speed, idle 60%).
 */
const COPY_BUFFER_BYTES = 4 << 20;

export interface CopyWriter {
  /**
   * Writes COPY text lines (best ~1 MiB at a time); resolves when the COPY stream can take more.
   * `flushed` is called once the text has gone to the socket's kernel buffer (the stream and the
   * socket hold no reference to it any more), at the latest when the COPY finishes; after an abort,
   * never (the text is then left to the collector).
   */
  write(text: Buffer, flushed?: () => void): Promise<void>;
  /** Ends the COPY and returns the row count PostgreSQL reports. */
  finish(): Promise<number>;
  /**
   * Aborts the COPY (the statement fails and loads nothing); resolves once PostgreSQL has ended it and
   * the client can run other statements.
   */
  abort(error: Error): Promise<void>;
}

/**
 * Opens `COPY <table> (<columns>) FROM STDIN` in text format on a client the caller owns (and whose
 * transaction decides what is kept). Text, because it beat binary: `npm run bench:copy-format` loads
 * the same rows both ways (text ~0.7–0.9 M rows/s, binary ~0.26 M: BigInt-heavy encoding in JS costs
 * more than PostgreSQL's text parsing).
 */
export function openCopy(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
): CopyWriter {
  const columnList = columns.map((c) => `"${c}"`).join(', ');
  const stream = client.query(
    copyFrom(`COPY ${table} (${columnList}) FROM STDIN`, { highWaterMark: COPY_BUFFER_BYTES }),
  );
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  // pg writes the text to its socket without a copy, and both write in order: of the bytes written
  // so far, all but those still queued in the stream or the socket are gone (the socket's count also
  // holds the message headers, so this errs on the late side). Unknown socket: freed at finish.
  const socket = (client as unknown as { connection?: { stream?: { writableLength: number } } }).connection
    ?.stream;
  let written = 0;
  const waiting: { end: number; flushed: () => void }[] = [];
  const releaseFlushed = () => {
    const gone = written - stream.writableLength - (socket?.writableLength ?? Number.POSITIVE_INFINITY);
    while (waiting.length > 0 && waiting[0]!.end <= gone) waiting.shift()!.flushed();
  };

  /** Resolves once the stream drains or fails, leaving no listener behind. */
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
    });

  return {
    async write(text, flushed) {
      if (failure) throw failure;
      const ready = stream.write(text);
      written += text.length;
      if (flushed) waiting.push({ end: written, flushed });
      releaseFlushed();
      if (!ready) await drained();
      releaseFlushed();
      if (failure) throw failure;
    },
    async finish() {
      const done = once(stream, 'finish');
      stream.end();
      await Promise.race([done, once(stream, 'error')]);
      if (failure) throw failure;
      // PostgreSQL has read every byte: it answered the COPY.
      for (const { flushed } of waiting.splice(0)) flushed();
      return stream.rowCount;
    },
    async abort(error) {
      const closed = once(stream, 'close').catch(() => {});
      stream.destroy(error);
      await closed;
    },
  };
}
