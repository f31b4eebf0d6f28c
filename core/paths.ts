import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const isRoot = process.getuid?.() === 0;

/**
 * Where local servers keep their data, pids and logs. Root gets /var/lib/techmarket so that the
 * unprivileged server accounts (postgres, mysql) can reach their data directories.
 */
export const STATE_DIR =
  process.env.TECHMARKET_HOME ??
  (isRoot ? '/var/lib/techmarket' : join(homedir(), '.local/share/techmarket'));

/** Downloads and builds, kept across clones so a second set-up is fast (CI keeps it too). */
export const CACHE_DIR = process.env.TECHMARKET_CACHE ?? join(homedir(), '.cache/techmarket');

export const LOG_DIR = join(STATE_DIR, 'logs');
export const RUN_DIR = join(STATE_DIR, 'run');
