import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { config } from '../../core/config.ts';
import { UsageError } from '../../core/errors.ts';
import { createWarehousePool, grantBiAccess, listBiUsers, revokeBiAccess } from '../../warehouse/index.ts';
import type { BiGrantFlags, BiRevokeFlags } from '../commands/bi.ts';
import type { Output } from '../output.ts';

/** The operating-system user, for the audit; a container without one is named by its uid. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The first line of --password-file; the password itself never reaches output or logs. */
function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new UsageError(
      `bi grant: --password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        hint: 'give a readable file whose first line is the password',
      },
    );
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password.length < 8) {
    throw new UsageError(`bi grant: --password-file ${file}: the password must be at least 8 characters`);
  }
  return password;
}

async function withWarehouse<T>(
  work: (pool: ReturnType<typeof createWarehousePool>) => Promise<T>,
): Promise<T> {
  const pool = createWarehousePool(config().DWH_URL, { max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export async function grantAccess(flags: BiGrantFlags, out: Output): Promise<number> {
  const password = flags['password-file'] === undefined ? undefined : readPassword(flags['password-file']);
  const outcome = await withWarehouse((pool) =>
    grantBiAccess(pool, {
      user: flags.user,
      level: flags.role,
      regions: flags.regions,
      ...(password === undefined ? {} : { password }),
      ...(flags['auth-user-id'] === undefined ? {} : { authUserId: flags['auth-user-id'] }),
      osUser: osUser(),
    }),
  );
  out.result(
    outcome,
    () =>
      `${outcome.createdLogin ? 'created login role' : 'login role'} ${outcome.user}: ${outcome.level}` +
      (outcome.regions.length > 0 ? `, regions ${outcome.regions.join(', ')}` : ''),
  );
  return 0;
}

export async function revokeAccess(flags: BiRevokeFlags, out: Output): Promise<number> {
  const outcome = await withWarehouse((pool) =>
    revokeBiAccess(pool, { user: flags.user, regions: flags.regions, osUser: osUser() }),
  );
  out.result(outcome, () => {
    const parts = [];
    if (outcome.regionsRemoved.length > 0) parts.push(`regions ${outcome.regionsRemoved.join(', ')}`);
    if (outcome.rolesRemoved.length > 0) parts.push(`roles ${outcome.rolesRemoved.join(', ')}`);
    return `${outcome.user}: removed ${parts.join('; ')}`;
  });
  return 0;
}

export async function listUsers(out: Output): Promise<number> {
  const users = await withWarehouse((pool) => listBiUsers(pool));
  out.result(users, () =>
    out.table(
      users.map((u) => ({
        user: u.user,
        role: u.level,
        regions: u.regions.join(',') || '-',
        login: u.canLogin ? 'yes' : 'no',
        last_change: u.lastChange,
        by: u.lastChangedBy,
      })),
    ),
  );
  return 0;
}
