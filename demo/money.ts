/**
 * Money is generated in integer kopecks (hundredths of a hryvnia) so sums and discounts are exact;
 * it becomes DECIMAL(12,2) text only when written.
 */
export function formatKopecks(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  const hryvnias = Math.floor(abs / 100);
  const rest = abs - hryvnias * 100;
  return `${sign}${hryvnias}.${rest < 10 ? '0' : ''}${rest}`;
}

/** Parses DECIMAL text ('1234.50') back into kopecks without going through a float. */
export function parseKopecks(text: string): number {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const kopecks = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -kopecks : kopecks;
}

/** A percent of an amount, rounded half up to the kopeck. */
export function percentOf(kopecks: number, percent: number): number {
  return Math.floor((kopecks * percent + 50) / 100);
}

/**
 * Spreads a fixed amount over lines in proportion to their gross value; the rounding remainder goes
 * to the largest line, so the shares always add up to exactly `amount`. No share exceeds its line.
 */
export function allocateProportionally(amount: number, grossLines: readonly number[]): number[] {
  const total = grossLines.reduce((sum, gross) => sum + gross, 0);
  const capped = Math.min(amount, total);
  if (total === 0) return grossLines.map(() => 0);
  const shares = grossLines.map((gross) => Math.floor((capped * gross) / total));
  let largest = 0;
  for (let i = 1; i < grossLines.length; i++) if (grossLines[i]! > grossLines[largest]!) largest = i;
  shares[largest]! += capped - shares.reduce((sum, share) => sum + share, 0);
  return shares;
}
