import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { bootstrapAdmin } from '../../services/auth/bootstrap-admin.ts';
import type { AuthDatabase } from '../../services/auth/database.ts';
import { authSettings } from '../../services/auth/settings.ts';
import { HttpError, loadSettings, openDatabase } from '../../services/shared/index.ts';
import type { ServicesAdminCreateFlags } from '../commands/services.ts';
import type { Output } from '../output.ts';

const COMMAND = 'services admin create';
const PASSWORD_ENV = 'TECHMARKET_ADMIN_PASSWORD';

/**
 * The password from --password-file (its first line; `-` reads stdin) or TECHMARKET_ADMIN_PASSWORD:
 * never from a flag's value, which `ps` and shell history would keep.
 */
function readPassword(file: string | undefined): string {
  if (file === undefined) {
    const fromEnv = process.env[PASSWORD_ENV];
    if (!fromEnv)
      throw new UsageError(`${COMMAND}: no password given`, {
        hint: `pipe it with --password-file - or set ${PASSWORD_ENV}`,
      });
    return fromEnv;
  }
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : resolve(file), 'utf8');
  } catch (error) {
    throw new UsageError(
      `${COMMAND}: --password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      { hint: 'give a readable file whose first line is the password (or - for stdin)' },
    );
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function createFirstAdmin(flags: ServicesAdminCreateFlags, out: Output): Promise<number> {
  const password = readPassword(flags['password-file']);
  // The same settings auth runs with: its database, its argon2 cost and its password policy.
  const settings = loadSettings(authSettings, process.env);
  const db = openDatabase<AuthDatabase>(settings.AUTH_DB_URL, {
    connectionLimit: 1,
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  try {
    const outcome = await bootstrapAdmin(db, {
      email: flags.email,
      password,
      passwordField: flags['password-file'] === undefined ? PASSWORD_ENV : '--password-file',
      ...(flags.name === undefined ? {} : { fullName: flags.name }),
      policy: {
        minLength: settings.PASSWORD_MIN_LENGTH,
        memoryKib: settings.ARGON2_MEMORY_KIB,
        timeCost: settings.ARGON2_TIME_COST,
      },
    }).catch((error: unknown) => {
      // A weak password: auth's own check, which names the field.
      if (error instanceof HttpError && error.statusCode === 400)
        throw new UsageError(`${COMMAND}: ${(error as Error).message}`);
      throw error;
    });
    out.result(outcome, () => {
      if (outcome.created) return `created admin ${outcome.email} (user ${outcome.userId})`;
      if (outcome.reason === 'admin_exists')
        return `refused: ${outcome.existingAdmins} admin account(s) exist already; an admin gives the role to others (PUT /api/auth/users/{id}/roles)`;
      return `refused: ${outcome.email} already has an account; choose another e-mail`;
    });
    return outcome.created ? 0 : 1;
  } finally {
    await db.destroy();
  }
}
