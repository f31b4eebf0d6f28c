import { LoadError } from '../errors.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
const LETTER_N = 0x4e;
const LETTER_T = 0x74;
const LETTER_N_LOWER = 0x6e;
const LETTER_R = 0x72;
/** A length-encoded column value of the text protocol that is NULL. */
const NULL_MARKER = 0xfb;

/**
 * Turns MySQL text-protocol row packets into PostgreSQL COPY text lines, byte for byte, without making
 * a JavaScript value of any column: the text protocol already spells every value the way COPY reads
 * it (exact decimals, DATETIME(6) with its microseconds, 0/1 booleans, JSON as text), so only NULLs
 * and the four bytes COPY treats specially need rewriting. UTF-8 never uses those bytes inside a
 * multi-byte character, so escaping bytes is escaping characters. Decoding every value into a string
 * and encoding it again cost the extract more CPU than the servers on both sides together.
 */
/**
 * Chunk buffers handed back by `recycle`, shared by the extracts of one process (tables are extracted
 * a few at a time, one after another), so their memory is reused instead of left to the collector.
 */
const spare: Buffer[] = [];
/** Enough for two extracts' chunks in flight (each COPY stream holds up to 4 MiB, in ~0.5 MiB chunks). */
const MAX_SPARE_CHUNKS = 24;

function takeSpare(bytes: number): Buffer | undefined {
  const index = spare.findIndex((b) => b.length === bytes);
  return index === -1 ? undefined : spare.splice(index, 1)[0];
}

export class CopyTextTranscoder {
  private buffer: Buffer;
  private length = 0;
  private rowCount = 0;
  /** Where the last row's cursor and key lie in `buffer`; undefined before a chunk's first row. */
  private lastSpans: { cursorStart: number; cursorEnd: number; keyStart: number; keyEnd: number } | undefined;
  /** The highest (cursor, key) seen so far, as their text; kept across chunks. */
  private highestCursor: Buffer = Buffer.alloc(0);
  private highestKey: Buffer = Buffer.alloc(0);

  /**
   * `escapeColumns[i]`: column i can hold tabs, newlines or backslashes (text and JSON); other
   * columns (numbers, DATETIME, booleans) are copied as they are.
   */
  constructor(
    private readonly escapeColumns: readonly boolean[],
    private readonly chunkBytes: number,
    /** Columns of the keyset position: a DATETIME cursor and a non-negative integer key, never NULL. */
    private readonly position: { cursor: number; key: number },
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  get rows(): number {
    return this.rowCount;
  }

  get bytes(): number {
    return this.length;
  }

  /** Appends one row packet's payload (`packet[offset, end)`) as a COPY line. */
  addRow(packet: Buffer, offset: number, end: number): void {
    // Worst case every byte is escaped and every column is NULL (`\N` for one marker byte).
    const worst = 2 * (end - offset) + 2;
    if (this.length + worst > this.buffer.length) this.grow(worst);
    const out = this.buffer;
    const escaped = this.escapeColumns;
    const columns = escaped.length;
    const { cursor, key } = this.position;
    let o = this.length;
    let p = offset;
    let cursorStart = 0;
    let keyStart = 0;
    let cursorEnd = 0;
    let keyEnd = 0;
    for (let column = 0; column < columns; column++) {
      if (column > 0) out[o++] = TAB;
      if (column === cursor + 1) cursorEnd = o - 1;
      else if (column === key + 1) keyEnd = o - 1;
      if (column === cursor) cursorStart = o;
      else if (column === key) keyStart = o;
      const first = packet[p]!;
      if (first === NULL_MARKER) {
        out[o++] = BACKSLASH;
        out[o++] = LETTER_N;
        p++;
        continue;
      }
      const stop = p + prefixBytes(first) + prefixedLength(packet, p, first);
      p += prefixBytes(first);
      if (stop > end) throw malformed(column);
      if (escaped[column]) {
        for (; p < stop; p++) {
          const byte = packet[p]!;
          if (byte > BACKSLASH || (byte > CARRIAGE_RETURN && byte !== BACKSLASH)) {
            out[o++] = byte;
          } else if (byte === BACKSLASH) {
            out[o++] = BACKSLASH;
            out[o++] = BACKSLASH;
          } else if (byte === TAB) {
            out[o++] = BACKSLASH;
            out[o++] = LETTER_T;
          } else if (byte === NEWLINE) {
            out[o++] = BACKSLASH;
            out[o++] = LETTER_N_LOWER;
          } else if (byte === CARRIAGE_RETURN) {
            out[o++] = BACKSLASH;
            out[o++] = LETTER_R;
          } else if (byte === 0) {
            throw new LoadError('a text value contains a NUL byte, which PostgreSQL text cannot store', {
              hint: 'clean the source row or map the column to bytea',
            });
          } else {
            out[o++] = byte;
          }
        }
      } else {
        for (; p < stop; p++) out[o++] = packet[p]!;
      }
    }
    if (p !== end) throw malformed(columns);
    if (cursor === columns - 1) cursorEnd = o;
    else if (key === columns - 1) keyEnd = o;
    out[o++] = NEWLINE;
    if (this.isHighest(out, cursorStart, cursorEnd, keyStart, keyEnd)) {
      this.highestCursor = Buffer.from(out.subarray(cursorStart, cursorEnd));
      this.highestKey = Buffer.from(out.subarray(keyStart, keyEnd));
    }
    this.lastSpans = { cursorStart, cursorEnd, keyStart, keyEnd };
    this.length = o;
    this.rowCount++;
  }

  /** The last row's (cursor, key) as text: where the next page of a keyset read starts. */
  get last(): { cursor: string; key: string } {
    const spans = this.lastSpans;
    if (!spans) throw new Error('no row transcoded in this chunk');
    return {
      cursor: this.buffer.toString('latin1', spans.cursorStart, spans.cursorEnd),
      key: this.buffer.toString('latin1', spans.keyStart, spans.keyEnd),
    };
  }

  /**
   * The highest (cursor, key) of every row transcoded so far, whatever order they came in: where the
   * watermark moves to. Undefined before the first row.
   */
  get highest(): { cursor: string; key: string } | undefined {
    if (this.highestKey.length === 0) return undefined;
    return { cursor: this.highestCursor.toString('latin1'), key: this.highestKey.toString('latin1') };
  }

  /**
   * (cursor, key) in `out` ≥ the highest so far? DATETIME(6) text has a fixed width, so its bytes sort
   * as its instants; keys are unsigned integers, which sort by length first.
   */
  private isHighest(out: Buffer, cursorStart: number, cursorEnd: number, keyStart: number, keyEnd: number) {
    const order = compareBytes(out, cursorStart, cursorEnd, this.highestCursor);
    if (order !== 0) return order > 0;
    const keyLength = keyEnd - keyStart;
    if (keyLength !== this.highestKey.length) return keyLength > this.highestKey.length;
    return compareBytes(out, keyStart, keyEnd, this.highestKey) > 0;
  }

  /**
   * Hands over the lines so far (the buffer is the caller's until it gives the text to `recycle`) and
   * starts a new chunk.
   */
  take(): { text: Buffer; rows: number } {
    const taken = { text: this.buffer.subarray(0, this.length), rows: this.rowCount };
    this.buffer = takeSpare(this.chunkBytes) ?? Buffer.allocUnsafe(this.chunkBytes);
    this.length = 0;
    this.rowCount = 0;
    this.lastSpans = undefined;
    return taken;
  }

  /**
   * Takes back the memory of a text `take` returned, once nothing refers to it any more. Without it
   * every 1 MiB chunk was garbage that V8 collects late: the extract's peak RSS grew with the table.
   */
  recycle(text: Buffer): void {
    // Only a whole buffer of this transcoder's size: a small one may share Node's pool with others.
    if (text.byteOffset !== 0 || text.buffer.byteLength !== this.chunkBytes) return;
    if (spare.length < MAX_SPARE_CHUNKS) spare.push(Buffer.from(text.buffer));
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + needed));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** Compares `bytes[start, end)` with `other` as unsigned bytes: negative, 0 or positive. */
function compareBytes(bytes: Buffer, start: number, end: number, other: Buffer): number {
  const length = Math.min(end - start, other.length);
  for (let i = 0; i < length; i++) {
    const difference = bytes[start + i]! - other[i]!;
    if (difference !== 0) return difference;
  }
  return end - start - other.length;
}

/** Bytes of a length prefix that starts with `first` (a value, not NULL). */
function prefixBytes(first: number): number {
  return first < NULL_MARKER ? 1 : first === 0xfc ? 3 : first === 0xfd ? 4 : 9;
}

/** The value length a prefix at `p` encodes. */
function prefixedLength(packet: Buffer, p: number, first: number): number {
  if (first < NULL_MARKER) return first;
  if (first === 0xfc) return packet.readUInt16LE(p + 1);
  if (first === 0xfd) return packet.readUIntLE(p + 1, 3);
  return packet.readUInt32LE(p + 1) + packet.readUInt32LE(p + 5) * 2 ** 32;
}

function malformed(column: number): LoadError {
  return new LoadError(`a source row packet does not match its ${column} columns`, {
    hint: 'the query must select exactly the configured columns; report this with the table name',
  });
}
