import { z } from 'zod';

/**
 * What `techmarket bi grant|revoke` accept, with zod only: the CLI's declarations load it at start-up,
 * where the warehouse's driver must not be loaded (cli/README.md).
 */

/** regional: own regions only (bi_reader); analyst: every row, read only; admin: every row, manages access. */
export const BI_ACCESS_LEVELS = ['regional', 'analyst', 'admin'] as const;
export type BiAccessLevel = (typeof BI_ACCESS_LEVELS)[number];

export const GROUP_ROLE: Record<BiAccessLevel, string> = {
  regional: 'bi_reader',
  analyst: 'bi_analyst',
  admin: 'bi_admin',
};
export const GROUP_ROLES = Object.values(GROUP_ROLE);

/** A login role name: what `bi grant --user` accepts (auth's e-mail addresses fit). */
export const biUserNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters (a PostgreSQL role name)')
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/, 'may hold letters, digits and _ . @ - only')
  .refine((name) => !name.toLowerCase().startsWith('pg_'), 'must not start with pg_ (reserved)')
  .refine(
    (name) => !GROUP_ROLES.includes(name),
    `must not be one of the group roles ${GROUP_ROLES.join(', ')}`,
  );

/** A region code as in dim_region.region_code (UA-30). */
export const regionCodeSchema = z.string().regex(/^[A-Z0-9-]{2,16}$/, 'must be region codes such as UA-30');
