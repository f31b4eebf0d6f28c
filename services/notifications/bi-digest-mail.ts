import type { BiDigestData } from '../kit/events.ts';
import type { Message } from './channel.ts';

const CADENCE_NAMES = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' } as const;

/** The period as a reader says it: one day, or its first and last day. */
const periodText = (p: BiDigestData['period']) => (p.from === p.to ? p.from : `${p.from} – ${p.to}`);

/**
 * The e-mail of a BI digest: the totals first, then one line per day with sales. Figures are the
 * event's as the page rendered them (notifications computes nothing); plain text, one fact a line,
 * so that a mail client, a screen reader and a test read the same thing.
 */
export function biDigestMail(data: BiDigestData): Message {
  const regions =
    data.regions.length > 0 ? data.regions.map((r) => `${r.code} ${r.name}`).join(', ') : 'none';
  const lines = [
    `${CADENCE_NAMES[data.cadence]} sales digest for ${periodText(data.period)}`,
    '',
    `Regions: ${regions}`,
    `Category: ${data.category ?? 'all categories'}`,
    '',
    `Revenue: ${data.totals.revenue} ${data.currency}`,
    `Orders: ${data.totals.orders}`,
    `Units: ${data.totals.units}`,
  ];
  if (data.cadence !== 'daily' && data.days.length > 0) {
    lines.push('', 'By day:');
    for (const d of data.days) lines.push(`${d.day}: ${d.revenue} ${data.currency}, ${d.orders} orders`);
  }
  lines.push(
    '',
    `To stop these digests: DELETE /api/bi/subscriptions/${data.subscriptionId} with your access token.`,
  );
  return {
    to: data.email,
    subject: `Sales digest ${periodText(data.period)}: ${data.totals.revenue} ${data.currency}`,
    text: lines.join('\n'),
  };
}
