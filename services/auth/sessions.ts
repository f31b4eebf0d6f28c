import { randomBytes } from 'node:crypto';
import { unauthorized } from '../shared/index.ts';
import type { RefreshTokensRepository } from './repositories/refresh-tokens-repository.ts';
import type { UsersRepository } from './repositories/users-repository.ts';
import { newOpaqueToken, tokenHash, utcDatetime } from './secrets.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const invalidRefresh = () => unauthorized('the refresh token is not valid; log in again');

/**
 * Sessions: a login starts a refresh-token family; every refresh swaps the token for a new one of the
 * same family; a token used twice means it leaked, so the whole family is revoked (RFC 9700 4.14).
 */
export function createSessions(deps: {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  keys: SigningKeys;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}) {
  async function issue(userId: string, familyId: string): Promise<SessionTokens> {
    const refreshToken = newOpaqueToken();
    await deps.refreshTokens.insert({
      userId,
      tokenHash: tokenHash(refreshToken),
      familyId,
      expiresAt: utcDatetime(deps.refreshTokenTtlDays * 86_400_000),
    });
    const roles = await deps.users.roles(userId);
    return {
      accessToken: await deps.keys.sign({ userId, roles }),
      refreshToken,
      expiresIn: deps.accessTokenTtlSeconds,
      tokenType: 'Bearer',
    };
  }

  return {
    start: (userId: string) => issue(userId, randomBytes(16).toString('hex')),

    /** Returns the new tokens, or throws 401; `onReuse` hears of a replayed token. */
    async refresh(
      token: string,
      onReuse: (userId: string) => void,
    ): Promise<SessionTokens & { userId: string }> {
      const record = await deps.refreshTokens.byHash(tokenHash(token));
      if (!record) throw invalidRefresh();
      const family = record.familyId ?? `single-${record.id}`;
      if (record.rotatedAt !== null && record.revokedAt === null) {
        await deps.refreshTokens.revokeFamily(family);
        onReuse(record.userId);
        throw invalidRefresh();
      }
      if (record.revokedAt !== null || record.expiresAt <= utcDatetime()) throw invalidRefresh();
      const user = await deps.users.byId(record.userId);
      if (!user || user.status === 'disabled' || user.status === 'deleted') throw invalidRefresh();
      if (!(await deps.refreshTokens.markRotated(record.id))) {
        // Someone else used it a moment ago: the same as reuse.
        await deps.refreshTokens.revokeFamily(family);
        onReuse(record.userId);
        throw invalidRefresh();
      }
      return { ...(await issue(record.userId, family)), userId: record.userId };
    },

    /** Ends the session the token belongs to; unknown tokens are ignored (nothing to end). */
    async end(token: string): Promise<string | undefined> {
      const record = await deps.refreshTokens.byHash(tokenHash(token));
      if (!record) return undefined;
      await deps.refreshTokens.revokeFamily(record.familyId ?? `single-${record.id}`);
      return record.userId;
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;
