/**
 * Money as integer hundredths (kopecks): DECIMAL(12,2) text from the database is parsed without a
 * float, sums and discounts are exact, and it becomes text again only when written or answered.
 */
export function toCents(text: string): number {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Spreads `amount` over lines in proportion to their values; the rounding remainder goes to the
 * largest line, so the shares add up to exactly `amount` and none exceeds its line.
 */
export function allocate(amount: number, lines: readonly number[]): number[] {
  const total = lines.reduce((a, b) => a + b, 0);
  if (total === 0 || amount === 0) return lines.map(() => 0);
  const shares = lines.map((line) => Math.floor((amount * line) / total));
  const rest = amount - shares.reduce((a, b) => a + b, 0);
  const largest = lines.indexOf(Math.max(...lines));
  shares[largest] = shares[largest]! + rest;
  return shares;
}
