import { INFRA_PART_NAMES } from '../../ops/infra/part-names.ts';
import { defineCommand, type FlagValues, listFlagSchema, valueFlag } from '../command.ts';

const partsFlags = {
  parts: valueFlag('a,b', `only these parts (${INFRA_PART_NAMES.join(', ')})`, listFlagSchema),
};
export type InfraPartsFlags = FlagValues<typeof partsFlags>;

export const infraUpCommand = defineCommand({
  words: ['infra', 'up'],
  summary:
    'install (when missing) and start the local infrastructure on 127.0.0.1; a second run changes nothing',
  flags: partsFlags,
  async run(flags, out) {
    const { startParts } = await import('../actions/infra.ts');
    return startParts(flags, out);
  },
});

export const infraDownCommand = defineCommand({
  words: ['infra', 'down'],
  summary: 'stop what `infra up` started (servers it did not start are left running)',
  flags: partsFlags,
  async run(flags, out) {
    const { stopParts } = await import('../actions/infra.ts');
    return stopParts(flags, out);
  },
});

export const infraStatusCommand = defineCommand({
  words: ['infra', 'status'],
  summary: 'each part with its address, version, pid and state; exit 1 when any is not running',
  flags: partsFlags,
  async run(flags, out) {
    const { showPartStatus } = await import('../actions/infra.ts');
    return showPartStatus(flags, out);
  },
});
