import { z } from 'zod';
import { BI_ACCESS_LEVELS, biUserNameSchema, regionCodeSchema } from '../../warehouse/bi-access-input.ts';
import { defineCommand, type FlagValues, listFlagSchema, valueFlag } from '../command.ts';

const regionsFlag = listFlagSchema.pipe(z.array(regionCodeSchema));

const grantFlags = {
  user: valueFlag('U', 'the PostgreSQL login role (e.g. anna or anna@techmarket.ua)', biUserNameSchema),
  regions: valueFlag(
    'a,b',
    'region codes (dim_region.region_code, e.g. UA-30,UA-05): rows the user sees',
    regionsFlag,
  ),
  role: valueFlag(
    'R',
    'regional (default: only --regions), analyst (every row, read only) or admin',
    z.enum(BI_ACCESS_LEVELS).default('regional'),
  ),
  'password-file': valueFlag(
    'F',
    'set the login password from the file F (its first line)',
    z.string().min(1, 'needs a file name').optional(),
  ),
  'auth-user-id': valueFlag(
    'N',
    "the user's id in auth: the sales-dynamics page shows them what this role sees",
    z.coerce.number().int('must be a whole number').positive('must be a user id').optional(),
  ),
};
export type BiGrantFlags = FlagValues<typeof grantFlags>;

const revokeFlags = {
  user: valueFlag('U', 'the PostgreSQL login role', biUserNameSchema),
  regions: valueFlag('a,b', 'only these regions (default: every region and role)', regionsFlag),
};
export type BiRevokeFlags = FlagValues<typeof revokeFlags>;

export const biGrantCommand = defineCommand({
  words: ['bi', 'grant'],
  summary: 'give a person BI access: a PostgreSQL login role (created when missing) and its regions',
  flags: grantFlags,
  async run(flags, out) {
    const { grantAccess } = await import('../actions/bi.ts');
    return grantAccess(flags, out);
  },
});

export const biRevokeCommand = defineCommand({
  words: ['bi', 'revoke'],
  summary: 'take BI access away: some regions, or (no --regions) every region and role; the login stays',
  flags: revokeFlags,
  async run(flags, out) {
    const { revokeAccess } = await import('../actions/bi.ts');
    return revokeAccess(flags, out);
  },
});

export const biUsersCommand = defineCommand({
  words: ['bi', 'users'],
  summary: 'who has BI access: role, regions, last change and who made it',
  flags: {},
  async run(_flags, out) {
    const { listUsers } = await import('../actions/bi.ts');
    return listUsers(out);
  },
});
