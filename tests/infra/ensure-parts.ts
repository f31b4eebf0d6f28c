import { loadConfig } from '../../core/config.ts';
import { infraUp, selectParts } from '../../ops/infra/infra.ts';
import { INFRA_PARTS } from '../../ops/infra/parts/index.ts';

/**
 * Brings up the parts a test file needs (and their dependencies). Idempotent: running parts are
 * left as they are, so this costs a health check when the global setup already started them, and a
 * file run alone (or with TEST_INFRA_PARTS narrowed) still gets its servers. `infraUp` serialises
 * parallel callers itself.
 */
export async function ensureParts(...names: string[]): Promise<void> {
  await infraUp(selectParts(INFRA_PARTS, names), {
    config: loadConfig(),
    log: (line) =>
      process.stderr.write(`[infra] ${line}
`),
  });
}
