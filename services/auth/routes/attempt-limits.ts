import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tooManyRequests } from '../../shared/index.ts';
import { normaliseEmail } from '../repositories/users-repository.ts';

/**
 * Login and reset attempts are limited per client address and per account (e-mail), each in a
 * one-minute window: guessing one account from many addresses, or many accounts from one, both stop.
 * Counters are in process memory (@fastify/rate-limit's local store): one auth process per machine.
 */
export function createAttemptLimits(app: FastifyInstance, perAddress: number, perAccount: number) {
  const byAddress = app.createRateLimit({ max: perAddress, timeWindow: 60_000 });
  const byAccount = app.createRateLimit({
    max: perAccount,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) =>
      `account:${normaliseEmail(String((request.body as { email?: unknown } | undefined)?.email ?? ''))}`,
  });
  /** Throws 429 when either limit is spent; returns which one, for the audit, before throwing. */
  return async function check(request: FastifyRequest, onLimited: (which: string) => Promise<void>) {
    for (const [which, limiter] of [
      ['address', byAddress],
      ['account', byAccount],
    ] as const) {
      const limit = await limiter(request);
      if (!limit.isAllowed && limit.isExceeded) {
        await onLimited(`rate_limited_${which}`);
        throw tooManyRequests(
          `too many attempts for this ${which}; wait a minute`,
          Math.max(1, Math.ceil(limit.ttl / 1000)),
        );
      }
    }
  };
}
