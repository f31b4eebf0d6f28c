import { createHash, randomBytes } from 'node:crypto';

/** An opaque token for a client (refresh or reset): 256 random bits, URL-safe. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of an opaque token: its SHA-256. The token is 256 random bits, so a fast
 * hash is enough (no dictionary to guess from), and lookups by hash stay one index probe.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A MySQL DATETIME(6) string in UTC, `offsetMs` from now. */
export function utcDatetime(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace('T', ' ').replace('Z', '');
}
