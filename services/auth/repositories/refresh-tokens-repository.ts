import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../database.ts';
import { utcDatetime } from '../secrets.ts';

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string | null;
  expiresAt: string;
  revokedAt: string | null;
  rotatedAt: string | null;
}

/** Refresh tokens, kept as hashes; a family is every token rotated from one login. */
export function createRefreshTokensRepository(db: Kysely<AuthDatabase>) {
  return {
    async insert(token: { userId: string; tokenHash: string; familyId: string; expiresAt: string }) {
      await db
        .insertInto('refresh_tokens')
        .values({
          user_id: token.userId,
          token_hash: token.tokenHash,
          family_id: token.familyId,
          expires_at: token.expiresAt,
        })
        .execute();
    },
    async byHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
      return db
        .selectFrom('refresh_tokens')
        .select([
          'id',
          'user_id as userId',
          'family_id as familyId',
          'expires_at as expiresAt',
          'revoked_at as revokedAt',
          'rotated_at as rotatedAt',
        ])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
    },
    /**
     * Marks a token used, only if nobody did first: two refreshes racing with one token leave one
     * winner, and the loser is treated as reuse.
     */
    async markRotated(id: string): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ rotated_at: utcDatetime() })
        .where('id', '=', id)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revokeFamily(familyId: string): Promise<number> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: utcDatetime() })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async revokeAllOfUser(userId: string): Promise<number> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: utcDatetime() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>;
