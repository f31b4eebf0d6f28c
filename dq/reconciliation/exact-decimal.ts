/**
 * Exact decimal arithmetic on the strings MySQL and PostgreSQL return for DECIMAL/NUMERIC sums:
 * a difference of 0.01 in millions must neither vanish nor appear through binary floating point.
 */
interface Scaled {
  units: bigint;
  scale: number;
}

function parse(text: string): Scaled {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal number: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole || '0'}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function combine(a: string, b: string, op: (x: bigint, y: bigint) => bigint): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format({ units: op(rescale(x, scale), rescale(y, scale)), scale });
}

export const addDecimal = (a: string, b: string) => combine(a, b, (x, y) => x + y);
export const subtractDecimal = (a: string, b: string) => combine(a, b, (x, y) => x - y);

/** |a| compared with b: negative, zero or positive. */
export function compareAbsolute(a: string, b: string): number {
  const difference = parse(combine(a.replace(/^-/, ''), b, (x, y) => x - y)).units;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
