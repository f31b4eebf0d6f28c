import { loadConfig } from '../core/config.ts';
import { infraUp, selectParts } from '../ops/infra/infra.ts';
import { INFRA_PARTS } from '../ops/infra/parts/index.ts';

/**
 * The suite starts the servers it needs (idempotently: already-running parts are left as they are).
 * TEST_INFRA_PARTS narrows the list for a quick local run; CI brings up everything.
 */
export default async function setup(): Promise<void> {
  const names = (process.env.TEST_INFRA_PARTS ?? '').split(',').filter(Boolean);
  await infraUp(selectParts(INFRA_PARTS, names), {
    config: loadConfig(),
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
  });
}
