import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_DIR } from '../../core/paths.ts';
import { isAlive } from './pid-file.ts';

const LOCK_DIR = join(RUN_DIR, 'infra-up.lock');

/**
 * Serialises `infra up` across processes (parallel test files, an operator and a script): two of
 * them starting the same server at once would both find its port free. A lock whose owner died is
 * taken over at once.
 */
export async function withInfraLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(RUN_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR); // atomic: exactly one process creates it
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number.parseInt(
        readFileSync(join(LOCK_DIR, 'pid'), { encoding: 'utf8', flag: 'a+' }),
        10,
      );
      if (Number.isFinite(owner) && !isAlive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
