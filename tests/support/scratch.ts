// Scratch databases moved to ops/scratch/ (benchmarks use them too); tests keep importing them here.
import pg from 'pg';
import type { Scratch } from '../../ops/scratch/scratch-databases.ts';

export { createScratch, type Scratch, scratchEnv } from '../../ops/scratch/scratch-databases.ts';

/**
 * Drops login roles a test made (`techmarket bi grant`): roles belong to the PostgreSQL server, not to
 * the scratch warehouse, so dropping the database leaves them behind.
 */
export async function dropLoginRoles(scratch: Scratch, roles: readonly string[]): Promise<void> {
  const url = new URL(scratch.config.DWH_URL);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    for (const role of roles) await admin.query(`drop role if exists "${role.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}
