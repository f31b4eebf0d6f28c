import { ensureMirror, stopKeyRangeTracking } from '../../../warehouse/index.ts';
import { SOURCE_TABLES, stagingSpec } from '../../source-tables.ts';
import type { Load } from './load-context.ts';

const TRANSFORM_LOCK = 'techmarket.transform';

/** Phase 1, first in the load's transaction: every mirror exists, one load at a time, planner settings. */
export async function openLoad({ client, deps }: Load): Promise<void> {
  // The models read every configured mirror, also of tables this run did not extract (or a first
  // run limited with --tables): make sure each exists, empty if never loaded.
  for (const table of SOURCE_TABLES) {
    await ensureMirror(client, deps.renderer, stagingSpec(table));
    if (!table.detectHardDeletes) await stopKeyRangeTracking(client, stagingSpec(table));
  }
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [TRANSFORM_LOCK]);
  // Big merges: let this transaction's sorts and hashes stay in memory.
  await client.query("set local work_mem = '256MB'");
  // JIT compiles every big statement anew and has not paid for itself on these merges.
  await client.query('set local jit = off');
  // The warehouse's working set is in memory (or on SSD): at the default 4 an incremental merge of a
  // day's rows hashes the whole mirror or fact instead of looking its keys up (1.5 s against 0.05 s).
  await client.query('set local random_page_cost = 1.1');
}
