import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../database.ts';
import { utcDatetime } from '../secrets.ts';

/** Single-use reset tokens, kept as hashes. */
export function createPasswordResetsRepository(db: Kysely<AuthDatabase>) {
  return {
    async insert(reset: { userId: string; tokenHash: string; expiresAt: string }): Promise<void> {
      await db
        .insertInto('password_resets')
        .values({ user_id: reset.userId, token_hash: reset.tokenHash, expires_at: reset.expiresAt })
        .execute();
    },
    /**
     * Uses a token: only an unused, unexpired one, and only once even when two requests race.
     * Returns the account it belongs to.
     */
    async consume(tokenHash: string): Promise<string | undefined> {
      const now = utcDatetime();
      const row = await db
        .selectFrom('password_resets')
        .select(['id', 'user_id'])
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      const used = await db
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(used.numUpdatedRows) === 1 ? row.user_id : undefined;
    },
  };
}
export type PasswordResetsRepository = ReturnType<typeof createPasswordResetsRepository>;
