import type { DestinationStream } from 'pino';
import { createService, openDatabase, pingDatabase } from '../shared/index.ts';
import { authApp, createAuthDeps } from './app.ts';
import type { AuthDatabase } from './database.ts';
import type { AuthSettings } from './settings.ts';

/** The auth service, ready to listen: the shared kit, its database, its routes. */
export async function buildAuth(settings: AuthSettings, options: { logStream?: DestinationStream } = {}) {
  const db = openDatabase<AuthDatabase>(settings.AUTH_DB_URL, {
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  const deps = await createAuthDeps(settings, db);
  const app = await createService({
    name: 'auth',
    description:
      'Accounts, logins, sessions (refresh tokens), password resets and the signing keys of access tokens.',
    settings,
    checkReady: () => pingDatabase(db),
    accessTokens: { keys: deps.keys.verificationKey },
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  app.addHook('onClose', async () => {
    await db.destroy();
  });
  await app.register(authApp, deps);
  return app;
}
