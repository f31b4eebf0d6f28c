/** Quotes an identifier ("my table"). */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A SQL literal for a string, number, boolean or null; the only way values enter rendered SQL. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${String(value).replaceAll("'", "''")}'`;
}
