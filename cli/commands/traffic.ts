import { baseUrlSchema, customersSchema, minutesSchema } from '../../demo/traffic/options.ts';
import { defineCommand, type FlagValues, valueFlag } from '../command.ts';

const trafficFlags = {
  customers: valueFlag('N', 'simulated customers, each one journey (required)', customersSchema),
  minutes: valueFlag('M', 'stop after this many minutes even if customers remain (required)', minutesSchema),
  'base-url': valueFlag(
    'U',
    'the shop on 127.0.0.1 (default https://127.0.0.1 through nginx)',
    baseUrlSchema,
  ),
};
export type TrafficFlags = FlagValues<typeof trafficFlags>;

export const trafficCommand = defineCommand({
  words: ['traffic'],
  summary:
    'drive bounded customer journeys (register, browse, order, pay, refund) through the running services',
  flags: trafficFlags,
  async run(flags, out) {
    const { traffic } = await import('../actions/traffic.ts');
    return traffic(flags, out);
  },
});
