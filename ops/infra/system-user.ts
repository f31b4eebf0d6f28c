import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { exec } from '../../core/exec.ts';

export interface SystemUser {
  uid: number;
  gid: number;
}

/** The uid/gid of a system account created by a Debian package (postgres, mysql). */
export async function systemUser(name: string): Promise<SystemUser> {
  const uid = Number((await exec('id', ['-u', name])).stdout.trim());
  const gid = Number((await exec('id', ['-g', name])).stdout.trim());
  return { uid, gid };
}

/** Creates a directory owned by the server's account, so the server can write its data there. */
export function ownedDir(path: string, user: SystemUser): string {
  // Parents must stay traversable by the server's account.
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  chmodSync(dirname(path), 0o755);
  mkdirSync(path, { recursive: true, mode: 0o750 });
  chownSync(path, user.uid, user.gid);
  return path;
}

/**
 * A system account of our own for a server that refuses to run as root (OpenSearch), created when
 * missing: no home, no login shell.
 */
export async function ensureSystemUser(name: string): Promise<SystemUser> {
  const exists = await exec('id', ['-u', name], { allowFailure: true });
  if (exists.code !== 0) {
    await exec('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      '--user-group',
      name,
    ]);
  }
  return systemUser(name);
}
