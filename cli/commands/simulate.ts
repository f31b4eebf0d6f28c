import { z } from 'zod';
import { daysSchema, seedSchema } from '../../demo/option-schemas.ts';
import { defineCommand } from '../command.ts';

const simulateFlagsSchema = z.object({ days: daysSchema, seed: seedSchema });
export type SimulateFlags = z.infer<typeof simulateFlagsSchema>;

export const simulateCommand = defineCommand({
  words: ['simulate'],
  summary:
    "run N business days of shop activity against the source databases (what the ETL's next run picks up)",
  flags: {
    days: { type: 'string' },
    seed: { type: 'string' },
  },
  flagHelp: [
    '--days N        business days to simulate, one after another (required)',
    '--seed S        random seed, any word (default 1)',
  ],
  schema: simulateFlagsSchema,
  async run(flags, out) {
    const { simulate } = await import('../actions/simulate.ts');
    return simulate(flags, out);
  },
});
