import { type Kysely, sql } from 'kysely';
import type { AuthDatabase } from './database.ts';
import { checkPasswordStrength, hashPassword, type PasswordPolicy } from './passwords.ts';
import { normaliseEmail } from './repositories/users-repository.ts';

export type BootstrapAdminResult =
  | { created: true; userId: string; email: string }
  | { created: false; reason: 'admin_exists'; existingAdmins: number }
  | { created: false; reason: 'email_taken'; email: string };

export interface BootstrapAdminInput {
  email: string;
  password: string;
  fullName?: string;
  policy: PasswordPolicy & { minLength: number };
  /** What a weak-password error names, e.g. the env variable or flag it came from; default `password`. */
  passwordField?: string;
}

/**
 * Creates the first admin account straight in the auth database, for the operator who has nothing
 * else to start from (every other admin is made through `PUT /users/{id}/roles` by an admin).
 * Refused once any admin exists, so it cannot be used to take over a running shop, and refused when
 * the e-mail already has an account (no silent promotion of someone else's login). The admin role
 * row is locked for the check and the insert, so two bootstraps at once make one admin.
 * A weak password throws the same error the API gives (naming the field), before anything is written.
 */
export async function bootstrapAdmin(
  db: Kysely<AuthDatabase>,
  input: BootstrapAdminInput,
): Promise<BootstrapAdminResult> {
  checkPasswordStrength(input.password, input.policy.minLength, input.passwordField ?? 'password');
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password, input.policy);
  await sql`insert ignore into roles (name, description) values ('admin', 'admin (made by auth)')`.execute(
    db,
  );
  return db.transaction().execute(async (trx) => {
    const role = await trx
      .selectFrom('roles')
      .select('id')
      .where('name', '=', 'admin')
      .forUpdate()
      .executeTakeFirstOrThrow();
    const admins = await trx
      .selectFrom('user_roles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('role_id', '=', role.id)
      .executeTakeFirstOrThrow();
    if (Number(admins.n) > 0)
      return { created: false, reason: 'admin_exists', existingAdmins: Number(admins.n) } as const;
    const inserted = await sql`
      insert ignore into users (email, password_hash, full_name, status)
      values (${email}, ${passwordHash}, ${input.fullName ?? 'Administrator'}, 'active')`.execute(trx);
    if (Number(inserted.numAffectedRows ?? 0) === 0)
      return { created: false, reason: 'email_taken', email } as const;
    const userId = String(inserted.insertId);
    await trx.insertInto('user_roles').values({ user_id: userId, role_id: role.id }).execute();
    return { created: true, userId, email } as const;
  });
}
