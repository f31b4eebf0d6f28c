import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from './database.ts';
import type { AuthDeps } from './deps.ts';
import { createPasswordHasher } from './passwords.ts';
import { createAuditRepository } from './repositories/audit-repository.ts';
import { createPasswordResetsRepository } from './repositories/password-resets-repository.ts';
import { createRefreshTokensRepository } from './repositories/refresh-tokens-repository.ts';
import { createUsersRepository } from './repositories/users-repository.ts';
import { databaseChannel, smtpChannel } from './reset-channel.ts';
import { accountRoutes } from './routes/account.ts';
import { keyRoutes } from './routes/keys.ts';
import { passwordResetRoutes } from './routes/password-reset.ts';
import { userRoutes } from './routes/users.ts';
import { createSessions } from './sessions.ts';
import type { AuthSettings } from './settings.ts';
import { createSigningKeys } from './signing-keys.ts';

/** Everything auth's routes need, over one database; the signing keys are loaded (or made) here. */
export async function createAuthDeps(settings: AuthSettings, db: Kysely<AuthDatabase>): Promise<AuthDeps> {
  const users = createUsersRepository(db);
  const refreshTokens = createRefreshTokensRepository(db);
  const keys = createSigningKeys(db, {
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    accessTokenTtlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
  });
  await keys.start();
  if (settings.RESET_CHANNEL === 'smtp' && !settings.SMTP_URL) {
    throw new Error('SMTP_URL is required when RESET_CHANNEL is smtp');
  }
  return {
    settings,
    db,
    users,
    refreshTokens,
    audit: createAuditRepository(db),
    resets: createPasswordResetsRepository(db),
    keys,
    passwords: createPasswordHasher({
      memoryKib: settings.ARGON2_MEMORY_KIB,
      timeCost: settings.ARGON2_TIME_COST,
    }),
    sessions: createSessions({
      users,
      refreshTokens,
      keys,
      accessTokenTtlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: settings.REFRESH_TOKEN_TTL_DAYS,
    }),
    resetChannel:
      settings.RESET_CHANNEL === 'smtp'
        ? smtpChannel(settings.SMTP_URL!, settings.MAIL_FROM)
        : databaseChannel(db),
  };
}

/** The auth app as a plugin (fastify/demo): its routes on top of the shared kit. */
export async function authApp(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  // Limits are checked by hand in the routes (per address and per account), not on every route.
  await app.register(rateLimit, { global: false });
  await app.register(async (scope) => {
    await accountRoutes(scope, deps);
    await passwordResetRoutes(scope, deps);
    await keyRoutes(scope, deps);
    await userRoutes(scope, deps);
  });
}
