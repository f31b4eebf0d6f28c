import { daysSchema, seedSchema } from '../../demo/option-schemas.ts';
import { defineCommand, type FlagValues, valueFlag } from '../command.ts';

const simulateFlags = {
  days: valueFlag('N', 'business days to simulate, one after another (required)', daysSchema),
  seed: valueFlag('S', 'random seed, any word (default 1)', seedSchema),
};
export type SimulateFlags = FlagValues<typeof simulateFlags>;

export const simulateCommand = defineCommand({
  words: ['simulate'],
  summary:
    "run N business days of shop activity against the source databases (what the ETL's next run picks up)",
  flags: simulateFlags,
  async run(flags, out) {
    const { simulate } = await import('../actions/simulate.ts');
    return simulate(flags, out);
  },
});
