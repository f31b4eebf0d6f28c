import type { Kysely } from 'kysely';
import type { AuthDatabase } from './database.ts';
import type { PasswordHasher } from './passwords.ts';
import type { AuditRepository } from './repositories/audit-repository.ts';
import type { PasswordResetsRepository } from './repositories/password-resets-repository.ts';
import type { RefreshTokensRepository } from './repositories/refresh-tokens-repository.ts';
import type { UsersRepository } from './repositories/users-repository.ts';
import type { ResetChannel } from './reset-channel.ts';
import type { Sessions } from './sessions.ts';
import type { AuthSettings } from './settings.ts';
import type { SigningKeys } from './signing-keys.ts';

/** What auth's routes work with; built once in app.ts. */
export interface AuthDeps {
  settings: AuthSettings;
  db: Kysely<AuthDatabase>;
  users: UsersRepository;
  audit: AuditRepository;
  resets: PasswordResetsRepository;
  refreshTokens: RefreshTokensRepository;
  sessions: Sessions;
  keys: SigningKeys;
  passwords: PasswordHasher;
  resetChannel: ResetChannel;
}
