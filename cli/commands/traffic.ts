import { z } from 'zod';
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
  ca: valueFlag(
    'F',
    'the certificate to trust for https (default: the one `infra up` made for nginx)',
    z.string().min(1, 'needs a file name').optional(),
  ),
  'admin-email': valueFlag(
    'E',
    'an admin to log in as (password from TECHMARKET_ADMIN_PASSWORD): adds discount codes and reassignments',
    z.email('must be an e-mail address').optional(),
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
