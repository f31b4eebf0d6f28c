import { z } from 'zod';
import { config } from '../../core/config.ts';
import { LOG_DIR } from '../../core/paths.ts';
import { infraDown, infraStatus, infraUp, selectParts } from '../../ops/infra/infra.ts';
import type { InfraContext } from '../../ops/infra/part.ts';
import { INFRA_PARTS } from '../../ops/infra/parts/index.ts';
import { defineCommand, listFlagSchema } from '../command.ts';
import type { Output } from '../output.ts';

const partsFlag = { parts: { type: 'string' } } as const;
const partsSchema = z.object({ parts: listFlagSchema });
const partsHelp = [`--parts a,b      only these parts (${INFRA_PARTS.map((p) => p.name).join(', ')})`];

function context(out: Output): InfraContext {
  return { config: config(), log: (line) => (out.json ? process.stderr.write(`${line}\n`) : out.line(line)) };
}

export const infraUpCommand = defineCommand({
  words: ['infra', 'up'],
  summary:
    'install (when missing) and start the local infrastructure on 127.0.0.1; a second run changes nothing',
  flags: partsFlag,
  flagHelp: partsHelp,
  schema: partsSchema,
  async run(flags, out) {
    const started = performance.now();
    const outcomes = await infraUp(selectParts(INFRA_PARTS, flags.parts), context(out));
    const seconds = (performance.now() - started) / 1000;
    out.result(
      { parts: outcomes, seconds },
      () => `infrastructure up in ${seconds.toFixed(1)}s (logs: ${LOG_DIR})`,
    );
    return 0;
  },
});

export const infraDownCommand = defineCommand({
  words: ['infra', 'down'],
  summary: 'stop what `infra up` started (servers it did not start are left running)',
  flags: partsFlag,
  flagHelp: partsHelp,
  schema: partsSchema,
  async run(flags, out) {
    const outcomes = await infraDown(
      selectParts(INFRA_PARTS, flags.parts, { withDependencies: false }),
      context(out),
    );
    out.result({ parts: outcomes });
    return 0;
  },
});

export const infraStatusCommand = defineCommand({
  words: ['infra', 'status'],
  summary: 'each part with its address, version, pid and state; exit 1 when any is not running',
  flags: partsFlag,
  flagHelp: partsHelp,
  schema: partsSchema,
  async run(flags, out) {
    const statuses = await infraStatus(
      selectParts(INFRA_PARTS, flags.parts, { withDependencies: false }),
      context(out),
    );
    out.result({ parts: statuses, logs: LOG_DIR }, () => `${out.table(statuses)}\nlogs: ${LOG_DIR}`);
    return statuses.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
  },
});
