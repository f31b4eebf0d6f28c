import { LoadError } from '../connectors/errors.ts';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One JavaScript value in PostgreSQL's COPY text format: the text side of `bench:copy-format` (the
 * pipeline copies MySQL's row bytes instead: connectors/mysql/copy-text-transcoder.ts). Values are
 * exact strings (decimals, big integers, DATETIME(6)), numbers, or parsed JSON; only text needs
 * escaping, and the test is a single regex scan, so clean strings pass through untouched.
 */
export function encodeCopyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') {
    if (value.includes('\0')) {
      throw new LoadError('a text value contains a NUL byte, which PostgreSQL text cannot store', {
        hint: 'clean the source row or map the column to bytea',
      });
    }
    return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c]!) : value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Buffer.isBuffer(value)) return encodeCopyValue(value.toString('utf8'));
  // MySQL 8 hands JSON columns over parsed; MariaDB as text.
  return encodeCopyValue(JSON.stringify(value));
}

/** Rows as COPY text lines. */
export function encodeCopyRows(rows: readonly unknown[][]): string {
  let out = '';
  for (const row of rows) {
    let line = encodeCopyValue(row[0]);
    for (let i = 1; i < row.length; i++) line += `\t${encodeCopyValue(row[i])}`;
    out += `${line}\n`;
  }
  return out;
}
