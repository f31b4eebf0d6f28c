/**
 * Text rows for LOAD DATA in its default format: fields separated by tab, rows by newline, backslash
 * as the escape, \N for NULL. Text fields with a tab, newline or backslash (the generator puts some
 * in on purpose) are escaped, so the server stores exactly the original string.
 */
export type SqlValue = string | number | null;

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

export function escapeField(value: SqlValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!) : value;
}

/** One row, newline included. */
export function formatRow(values: readonly SqlValue[]): string {
  let line = escapeField(values[0] ?? null);
  for (let i = 1; i < values.length; i++) line += `\t${escapeField(values[i] ?? null)}`;
  return `${line}\n`;
}
