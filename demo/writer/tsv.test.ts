import { describe, expect, it } from 'vitest';
import { escapeField, formatRow } from './tsv.ts';

/** What the server does with LOAD DATA's default escapes; the inverse of escapeField. */
function unescapeField(text: string): string | null {
  if (text === '\\N') return null;
  const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0' };
  return text.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}

describe('LOAD DATA text rows', () => {
  it('round-trips the awkward strings the generator produces', () => {
    for (const value of [
      "O'Brien",
      'Демʼяненко',
      'ТОВ "Альфа"',
      'C:\\Drivers\\',
      'a\tb',
      'line 1\nline 2',
      '\\N',
      '',
    ]) {
      const field = escapeField(value);
      expect(field).not.toMatch(/[\t\n]/);
      expect(unescapeField(field)).toBe(value);
    }
  });

  it('writes NULL as \\N and numbers as they are, one line per row', () => {
    expect(formatRow([1, null, 'x\ty', 2.5])).toBe('1\t\\N\tx\\ty\t2.5\n');
  });
});
