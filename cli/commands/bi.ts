import { z } from 'zod';
import { BI_ACCESS_LEVELS, biUserNameSchema, regionCodeSchema } from '../../warehouse/bi-access-input.ts';
import { defineCommand, listFlagSchema } from '../command.ts';

const regionsFlag = listFlagSchema.pipe(z.array(regionCodeSchema));

const grantSchema = z.object({
  user: biUserNameSchema,
  regions: regionsFlag,
  role: z.enum(BI_ACCESS_LEVELS).default('regional'),
  'password-file': z.string().min(1, 'needs a file name').optional(),
  'auth-user-id': z.coerce.number().int('must be a whole number').positive('must be a user id').optional(),
});
export type BiGrantFlags = z.infer<typeof grantSchema>;

const revokeSchema = z.object({ user: biUserNameSchema, regions: regionsFlag });
export type BiRevokeFlags = z.infer<typeof revokeSchema>;

export const biGrantCommand = defineCommand({
  words: ['bi', 'grant'],
  summary: 'give a person BI access: a PostgreSQL login role (created when missing) and its regions',
  flags: {
    user: { type: 'string' },
    regions: { type: 'string' },
    role: { type: 'string' },
    'password-file': { type: 'string' },
    'auth-user-id': { type: 'string' },
  },
  flagHelp: [
    '--user U            the PostgreSQL login role (e.g. anna or anna@techmarket.ua)',
    '--regions a,b       region codes (dim_region.region_code, e.g. UA-30,UA-05): rows the user sees',
    '--role R            regional (default: only --regions), analyst (every row, read only) or admin',
    '--password-file F   set the login password from the file F (its first line)',
    "--auth-user-id N    the user's id in auth: the sales-dynamics page shows them what this role sees",
  ],
  schema: grantSchema,
  async run(flags, out) {
    const { grantAccess } = await import('../actions/bi.ts');
    return grantAccess(flags, out);
  },
});

export const biRevokeCommand = defineCommand({
  words: ['bi', 'revoke'],
  summary: 'take BI access away: some regions, or (no --regions) every region and role; the login stays',
  flags: { user: { type: 'string' }, regions: { type: 'string' } },
  flagHelp: ['--user U            the PostgreSQL login role', '--regions a,b       only these regions'],
  schema: revokeSchema,
  async run(flags, out) {
    const { revokeAccess } = await import('../actions/bi.ts');
    return revokeAccess(flags, out);
  },
});

export const biUsersCommand = defineCommand({
  words: ['bi', 'users'],
  summary: 'who has BI access: role, regions, last change and who made it',
  flags: {},
  schema: z.object({}),
  async run(_flags, out) {
    const { listUsers } = await import('../actions/bi.ts');
    return listUsers(out);
  },
});
