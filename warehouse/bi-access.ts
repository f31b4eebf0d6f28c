import type pg from 'pg';
import { UsageError } from '../core/errors.ts';
import { BI_ACCESS_LEVELS, type BiAccessLevel, GROUP_ROLE, GROUP_ROLES } from './bi-access-input.ts';
import { ident } from './sql-quote.ts';
import { inTransaction as inClientTransaction } from './transaction.ts';

export { BI_ACCESS_LEVELS, type BiAccessLevel };

/**
 * BI access (DESIGN.md 3.3 and 3.5): PostgreSQL login roles, the group role each belongs to, and for
 * regional users the regions they may see, kept in bi.region_access, which the row-level security
 * policies of warehouse migration 013 read. Every change is one transaction with its row in
 * bi.access_audit (who: the database login and the operating-system user; when; what).
 */

export interface BiGrant {
  user: string;
  level: BiAccessLevel;
  /** Region codes; required for regional users, recorded but not needed for analysts and admins. */
  regions: string[];
  /** The login role's password (set when given, else a role created without one cannot log in by password). */
  password?: string;
  /** Who ran it, for the audit (the operating-system user). */
  osUser: string;
  /** The user's id in auth: the sales-dynamics page then queries as this login role for them. */
  authUserId?: number;
}

export interface BiGrantOutcome {
  user: string;
  level: BiAccessLevel;
  createdLogin: boolean;
  regions: string[];
}

export interface BiRevoke {
  user: string;
  /** Only these regions; none: every region and every group role. */
  regions: string[];
  osUser: string;
}

export interface BiUser {
  user: string;
  level: BiAccessLevel | 'none';
  regions: string[];
  canLogin: boolean;
  lastChange: string | null;
  lastChangedBy: string | null;
}

/** One transaction on a client of its own: every access change commits whole or not at all. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inClientTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

/** Region codes → keys; an unknown code is a bad --regions value, named with the codes that exist. */
async function regionKeys(client: pg.ClientBase, codes: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await client.query<{ region_code: string; region_key: string }>(
    `select region_code, region_key from dwh.dim_region where region_key <> 0 and not is_inferred order by region_code`,
  );
  const known = new Map(rows.map((r) => [r.region_code, r.region_key]));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new UsageError(`bi: --regions: no region ${unknown.join(', ')} in the warehouse`, {
      hint:
        known.size > 0
          ? `known region codes: ${[...known.keys()].join(', ')}`
          : 'the warehouse has no regions yet: run techmarket etl run first',
    });
  }
  return new Map(codes.map((c) => [c, known.get(c)!]));
}

async function roleOf(client: pg.ClientBase, user: string) {
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
    'select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = $1',
    [user],
  );
  return rows[0];
}

async function audit(
  client: pg.ClientBase,
  entry: {
    action: 'grant' | 'revoke';
    user: string;
    role: string | null;
    regions: string[];
    osUser: string;
    detail: object;
  },
): Promise<void> {
  await client.query(
    `insert into bi.access_audit (os_user, action, user_name, role, regions, detail) values ($1, $2, $3, $4, $5, $6)`,
    [entry.osUser, entry.action, entry.user, entry.role, entry.regions, JSON.stringify(entry.detail)],
  );
}

/** Creates the login role when missing, adds it to the level's group role and maps its regions. */
export async function grantBiAccess(pool: pg.Pool, grant: BiGrant): Promise<BiGrantOutcome> {
  if (grant.level === 'regional' && grant.regions.length === 0) {
    throw new UsageError('bi grant: --regions is required for a regional user', {
      hint: 'give region codes (--regions UA-30,UA-05), or --role analyst|admin for every region',
    });
  }
  return inTransaction(pool, async (client) => {
    const { rows: me } = await client.query<{ name: string }>('select current_user as name');
    if (grant.user === me[0]!.name) {
      throw new UsageError(`bi grant: --user ${grant.user} is the warehouse's own role`, {
        hint: 'grant access to a separate login role for each person',
      });
    }
    const keys = await regionKeys(client, grant.regions);
    const existing = await roleOf(client, grant.user);
    if (existing && (existing.rolsuper || existing.rolbypassrls)) {
      throw new UsageError(
        `bi grant: --user ${grant.user} is a superuser or bypasses row-level security: region limits would not apply to it`,
        { hint: 'grant BI access to an ordinary login role' },
      );
    }
    const password = grant.password === undefined ? '' : ` password ${client.escapeLiteral(grant.password)}`;
    if (!existing) await client.query(`create role ${ident(grant.user)} login${password}`);
    else if (password) await client.query(`alter role ${ident(grant.user)}${password}`);
    await client.query(`grant ${GROUP_ROLE[grant.level]} to ${ident(grant.user)}`);
    for (const key of keys.values()) {
      await client.query(
        'insert into bi.region_access (user_name, region_key) values ($1, $2) on conflict do nothing',
        [grant.user, key],
      );
    }
    if (grant.authUserId !== undefined) {
      await client.query(
        `insert into bi.page_users (auth_user_id, user_name) values ($1, $2)
         on conflict (auth_user_id) do update set user_name = excluded.user_name`,
        [grant.authUserId, grant.user],
      );
      // the page's role may then SET ROLE to this user (and holds none of its rights otherwise)
      await client.query(`grant ${ident(grant.user)} to bi_page`);
    }
    await audit(client, {
      action: 'grant',
      user: grant.user,
      role: grant.level,
      regions: grant.regions,
      osUser: grant.osUser,
      detail: {
        created_login: !existing,
        password_set: grant.password !== undefined,
        ...(grant.authUserId === undefined ? {} : { auth_user_id: grant.authUserId }),
      },
    });
    return { user: grant.user, level: grant.level, createdLogin: !existing, regions: grant.regions };
  });
}

/** Removes regions, or (none given) every region and group role; the login role itself stays. */
export async function revokeBiAccess(
  pool: pg.Pool,
  revoke: BiRevoke,
): Promise<{ user: string; regionsRemoved: string[]; rolesRemoved: string[] }> {
  return inTransaction(pool, async (client) => {
    if (!(await roleOf(client, revoke.user))) {
      throw new UsageError(`bi revoke: --user ${revoke.user} is not a role in this PostgreSQL server`, {
        hint: 'list the BI users: techmarket bi users',
      });
    }
    const keys = revoke.regions.length > 0 ? [...(await regionKeys(client, revoke.regions)).values()] : null;
    const { rows: removed } = await client.query<{ region_code: string }>(
      `with gone as (
         delete from bi.region_access where user_name = $1 and ($2::bigint[] is null or region_key = any ($2))
         returning region_key
       )
       select r.region_code from gone join dwh.dim_region r using (region_key) order by 1`,
      [revoke.user, keys],
    );
    const rolesRemoved: string[] = [];
    if (keys === null) {
      for (const role of GROUP_ROLES) {
        const { rows } = await client.query<{ member: boolean }>(
          `select exists (
             select 1 from pg_auth_members m
             where m.roleid = (select oid from pg_roles where rolname = $1)
               and m.member = (select oid from pg_roles where rolname = $2)
           ) as member`,
          [role, revoke.user],
        );
        if (rows[0]!.member) {
          await client.query(`revoke ${role} from ${ident(revoke.user)}`);
          rolesRemoved.push(role);
        }
      }
    }
    if (keys === null) {
      const { rowCount } = await client.query('delete from bi.page_users where user_name = $1', [
        revoke.user,
      ]);
      if (rowCount) {
        await client.query(`revoke ${ident(revoke.user)} from bi_page`);
        rolesRemoved.push('page login');
      }
    }
    const regionsRemoved = removed.map((r) => r.region_code);
    if (regionsRemoved.length === 0 && rolesRemoved.length === 0) {
      throw new UsageError(
        `bi revoke: --user ${revoke.user} has ${keys ? 'none of those regions' : 'no BI access'}: nothing changed`,
        { hint: 'list the BI users: techmarket bi users' },
      );
    }
    await audit(client, {
      action: 'revoke',
      user: revoke.user,
      role: rolesRemoved.length > 0 ? rolesRemoved.join(',') : null,
      regions: regionsRemoved,
      osUser: revoke.osUser,
      detail: { all: keys === null },
    });
    return { user: revoke.user, regionsRemoved, rolesRemoved };
  });
}

/** Every login role in a BI group role or with regions mapped, with its level and regions. */
export async function listBiUsers(db: pg.Pool | pg.ClientBase): Promise<BiUser[]> {
  const { rows } = await db.query<{
    user: string;
    is_admin: boolean;
    is_analyst: boolean;
    is_reader: boolean;
    can_login: boolean;
    regions: string[];
    last_change: string | null;
    last_changed_by: string | null;
  }>(
    `with users as (
       select r.rolname as user_name, r.rolcanlogin,
              pg_has_role(r.oid, 'bi_admin', 'member') as is_admin,
              pg_has_role(r.oid, 'bi_analyst', 'member') as is_analyst,
              pg_has_role(r.oid, 'bi_reader', 'member') as is_reader
       from pg_roles r
       where r.rolname not in ('bi_reader', 'bi_analyst', 'bi_admin') and r.rolname !~ '^pg_'
     )
     select u.user_name as "user", u.is_admin, u.is_analyst, u.is_reader, u.rolcanlogin as can_login,
            coalesce((select array_agg(d.region_code order by d.region_code)
                      from bi.region_access a join dwh.dim_region d using (region_key)
                      where a.user_name = u.user_name), '{}') as regions,
            l.changed_at::text as last_change,
            l.changed_by || coalesce(' (' || l.os_user || ')', '') as last_changed_by
     from users u
     left join lateral (
       select changed_at, changed_by, os_user from bi.access_audit x
       where x.user_name = u.user_name order by audit_id desc limit 1
     ) l on true
     where u.is_reader or exists (select 1 from bi.region_access a where a.user_name = u.user_name)
        or l.changed_at is not null
     order by 1`,
  );
  return rows.map((r) => ({
    user: r.user,
    level: r.is_admin ? 'admin' : r.is_analyst ? 'analyst' : r.is_reader ? 'regional' : 'none',
    regions: r.regions,
    canLogin: r.can_login,
    lastChange: r.last_change,
    lastChangedBy: r.last_changed_by,
  }));
}
