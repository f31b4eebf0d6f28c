import { type Kysely, sql } from 'kysely';
import type { Role } from '../../shared/index.ts';
import type { AuthDatabase } from '../database.ts';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  fullName: string;
  status: 'active' | 'locked' | 'disabled' | 'deleted';
  failedLogins: number;
  lockedUntil: string | null;
}

/** E-mail addresses compare case-insensitively: one account per mailbox. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createUsersRepository(db: Kysely<AuthDatabase>) {
  const columns = [
    'id',
    'email',
    'password_hash as passwordHash',
    'full_name as fullName',
    'status',
    'failed_logins as failedLogins',
    'locked_until as lockedUntil',
  ] as const;

  async function roleId(name: Role): Promise<string> {
    // Roles are rows (the demo data writes its own); a missing one is made on first use.
    await sql`insert ignore into roles (name, description) values (${name}, ${`${name} (made by auth)`})`.execute(
      db,
    );
    const row = await db.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return row.id;
  }

  return {
    async byEmail(email: string): Promise<UserRecord | undefined> {
      return db
        .selectFrom('users')
        .select(columns)
        .where('email', '=', normaliseEmail(email))
        .executeTakeFirst();
    },
    async byId(id: string): Promise<UserRecord | undefined> {
      return db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
    },
    /** Creates an account with its roles; undefined when the e-mail is taken. */
    async create(user: { email: string; passwordHash: string; fullName: string; roles: Role[] }) {
      const ids = await Promise.all(user.roles.map(roleId));
      return db.transaction().execute(async (trx) => {
        const inserted = await sql<{ id: string }>`
          insert ignore into users (email, password_hash, full_name, status)
          values (${normaliseEmail(user.email)}, ${user.passwordHash}, ${user.fullName}, 'active')`.execute(
          trx,
        );
        if (Number(inserted.numAffectedRows ?? 0) === 0) return undefined;
        const id = String(inserted.insertId);
        for (const role of ids)
          await trx.insertInto('user_roles').values({ user_id: id, role_id: role }).execute();
        return id;
      });
    },
    async roles(userId: string): Promise<Role[]> {
      const rows = await db
        .selectFrom('user_roles')
        .innerJoin('roles', 'roles.id', 'user_roles.role_id')
        .select('roles.name')
        .where('user_roles.user_id', '=', userId)
        .orderBy('roles.name')
        .execute();
      return rows.map((r) => r.name as Role);
    },
    async setRoles(userId: string, roles: Role[]): Promise<void> {
      const ids = await Promise.all(roles.map(roleId));
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
        for (const role of ids)
          await trx.insertInto('user_roles').values({ user_id: userId, role_id: role }).execute();
      });
    },
    async setStatus(userId: string, status: 'active' | 'locked' | 'disabled'): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ status, failed_logins: 0, locked_until: null })
        .where('id', '=', userId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** One more failure; at the limit the account locks until `lockUntil`. Returns whether it locked. */
    async recordFailure(userId: string, limit: number, lockUntil: string): Promise<boolean> {
      await db
        .updateTable('users')
        .set({ failed_logins: sql`failed_logins + 1` })
        .where('id', '=', userId)
        .execute();
      const locked = await db
        .updateTable('users')
        .set({ status: 'locked', locked_until: lockUntil })
        .where('id', '=', userId)
        .where('status', '=', 'active')
        .where('failed_logins', '>=', limit)
        .executeTakeFirst();
      return Number(locked.numUpdatedRows) === 1;
    },
    async recordSuccess(userId: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null, status: 'active' })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('failed_logins', '<>', 0), eb('status', '=', 'locked')]))
        .execute();
    },
    /** A new password also ends a lockout (the owner proved they own the mailbox). */
    async setPassword(userId: string, passwordHash: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
        .where('id', '=', userId)
        .execute();
      await db
        .updateTable('users')
        .set({ status: 'active' })
        .where('id', '=', userId)
        .where('status', '=', 'locked')
        .execute();
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
