/**
 * What counts as a secret in free text: a password in a URL, a bearer token, a JWT, a `password=`
 * or `token:` pair, a card number. Replaced wherever a message could carry one (errors, logs).
 */
const TEXT_SECRETS: readonly [RegExp, string][] = [
  [/(\w+:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '***'],
  [
    /\b(password|passwd|pwd|secret|token|access_?token|refresh_?token|api_?key)(["']?\s*[=:]\s*["']?)[^\s"'&,;]+/gi,
    '$1$2***',
  ],
];

/** 13–19 digits, optionally grouped by spaces or dashes: a card number (PAN) when its Luhn sum holds. */
const CARD_NUMBER = /\b\d(?:[ -]?\d){12,18}\b/g;

/** The Luhn check every card number passes; nine in ten other long numbers (timestamps, counts) fail it. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Replaces every secret found anywhere in a free-form message. */
export function redactText(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of TEXT_SECRETS) redacted = redacted.replace(pattern, replacement);
  return redacted.replace(CARD_NUMBER, (match) => (passesLuhn(match.replace(/[ -]/g, '')) ? '****' : match));
}

/** Field names whose values are secrets whatever they hold. */
const SECRET_KEY =
  /^(password|passwd|newPassword|oldPassword|secret|clientSecret|token|accessToken|refreshToken|idToken|authorization|cookie|setCookie|set-cookie|apiKey|api_key|cvc|cvv|card|cardNumber|pan)$/i;
const MAX_DEPTH = 8;

/**
 * A copy of a log record with every secret field censored at any depth and secrets in its strings
 * replaced, so nothing written through the logger carries one to stderr or to the log store.
 */
export function redactRecord(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) {
    // Still an error of its class, so the logger's error serializer names its type.
    const copy = Object.create(Object.getPrototypeOf(value)) as Error & Record<string, unknown>;
    for (const [key, inner] of Object.entries(value))
      copy[key] = SECRET_KEY.test(key) ? '***' : redactRecord(inner, depth + 1);
    copy.message = redactText(value.message);
    if (value.stack) copy.stack = redactText(value.stack);
    if (value.cause !== undefined) copy.cause = redactRecord(value.cause, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((inner) => redactRecord(inner, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    copy[key] = SECRET_KEY.test(key) ? '***' : redactRecord(inner, depth + 1);
  return copy;
}
