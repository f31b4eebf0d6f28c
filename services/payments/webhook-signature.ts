import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

/**
 * Checks `psp-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` over the raw body: the
 * MAC must match (compared in constant time) and the timestamp be within the tolerance, so a
 * captured webhook cannot be replayed later. Answers why it is refused, or null when it is good.
 */
export function webhookRefusal(
  header: string | undefined,
  rawBody: string,
  secret: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  const match = header === undefined ? null : HEADER.exec(header);
  if (!match) return 'the psp-signature header is missing or malformed';
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return 'the webhook timestamp is too old or in the future';
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(match[2]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the webhook signature does not match';
  return null;
}
