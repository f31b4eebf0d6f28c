/** Human output by default, JSON with --json; either goes to stdout, progress and logs to stderr. */
export interface Output {
  readonly json: boolean;
  /** A line for people; dropped under --json. */
  line(text: string): void;
  /** The command's result: printed as JSON under --json, else by `human`. */
  result(value: unknown, human?: (value: unknown) => string): void;
  table(rows: readonly object[]): string;
}

export function createOutput(json: boolean, stream: NodeJS.WritableStream = process.stdout): Output {
  return {
    json,
    line(text) {
      if (!json) stream.write(`${text}\n`);
    },
    result(value, human) {
      if (json) stream.write(`${JSON.stringify(value, null, 2)}\n`);
      else if (human) stream.write(`${human(value)}\n`);
    },
    table: renderTable,
  };
}

/** A plain aligned text table of the given rows. */
export function renderTable(rows: readonly object[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => formatCell((row as Record<string, unknown>)[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const pad = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [pad(columns), pad(widths.map((w) => '-'.repeat(w))), ...cells.map(pad)].join('\n');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
