/**
 * Access tokens already verified, by their exact compact form (header, claims and signature), so a
 * client's next requests with the same token skip the signature check. A CPU profile of
 * `bench:checkout` had the EdDSA verify at ~1.5% of the gateway's and of orders' CPU, paid again on
 * every request of a token that lives for minutes.
 *
 * An entry serves until the token's `exp` and at most `maxAgeMs` (a key retired at auth is refused
 * here that much later at worst: a service reading a remote JWKS already keeps the old keys until
 * its JWKS cache refreshes). Only a token that passed every check is stored; a different signature is
 * a different key. Bounded: when full it starts over, which costs one verify per token again.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(token: string, nowMs = Date.now()): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** `expSeconds`: the token's `exp` claim (seconds since the epoch). */
  set(token: string, value: T, expSeconds: number, nowMs = Date.now()): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { value, expiresAtMs: Math.min(expSeconds * 1000, nowMs + this.maxAgeMs) });
  }
}
