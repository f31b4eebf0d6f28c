import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config.ts';
import { infraUp, selectParts } from '../../ops/infra/infra.ts';
import { INFRA_PARTS } from '../../ops/infra/parts/index.ts';

/** Test files run in parallel forks; one lock keeps two of them from starting the same server. */
const LOCK_DIR = join(tmpdir(), 'techmarket-infra-up.lock');
/** A lock older than a cold `infra up` was left by a killed run. */
const STALE_LOCK_MS = 20 * 60 * 1000;

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR); // atomic: exactly one process creates it
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Brings up the parts a test file needs (and their dependencies). Idempotent: running parts are
 * left as they are, so this costs a health check when the global setup already started them, and a
 * file run alone (or with TEST_INFRA_PARTS narrowed) still gets its servers.
 */
export async function ensureParts(...names: string[]): Promise<void> {
  await withLock(() =>
    infraUp(selectParts(INFRA_PARTS, names), {
      config: loadConfig(),
      log: (line) => process.stderr.write(`[infra] ${line}\n`),
    }),
  );
}
