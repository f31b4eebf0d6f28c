import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeCopyRows } from './copy-text-encoder.ts';

/** pg-copy-streams makes two syscalls per chunk it is given: hand it ~1 MiB at a time. */
const COPY_CHUNK_BYTES = 1 << 20;
/**
 * How much may wait in the COPY stream before the writer pauses. Well above one chunk, so the source
 * keeps streaming while PostgreSQL works through the last chunks; at the default 16 KiB every chunk
 * waited for a drain and the two servers took turns (the extract ran at half speed, idle 60%).
 */
const COPY_BUFFER_BYTES = 8 << 20;

export interface CopyWriter {
  /** Encodes and writes rows; resolves when the COPY stream can take more. */
  write(rows: readonly unknown[][]): Promise<void>;
  /** Ends the COPY and returns the row count PostgreSQL reports. */
  finish(): Promise<number>;
  /** Aborts the COPY (the statement fails and loads nothing). */
  abort(error: Error): void;
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
  let buffered = '';
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure ??= error;
  });

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

  const push = async (text: string) => {
    if (failure) throw failure;
    if (!stream.write(Buffer.from(text, 'utf8'))) await drained();
    if (failure) throw failure;
  };

  return {
    async write(rows) {
      buffered += encodeCopyRows(rows);
      if (buffered.length >= COPY_CHUNK_BYTES) {
        const text = buffered;
        buffered = '';
        await push(text);
      }
    },
    async finish() {
      if (buffered.length > 0) await push(buffered);
      buffered = '';
      const done = once(stream, 'finish');
      stream.end();
      await Promise.race([done, once(stream, 'error')]);
      if (failure) throw failure;
      return stream.rowCount;
    },
    abort(error) {
      stream.destroy(error);
    },
  };
}
