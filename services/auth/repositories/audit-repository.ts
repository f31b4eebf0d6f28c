import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../database.ts';

export type AuditEvent =
  | 'login'
  | 'register'
  | 'refresh'
  | 'logout'
  | 'password_reset_request'
  | 'password_reset_confirm';

export interface AuditEntry {
  event: AuditEvent;
  email: string;
  userId?: string | undefined;
  success: boolean;
  outcome?: string;
  ip: string;
  userAgent?: string | undefined;
}

/** Every attempt, successful or not, goes to login_audit (never the password or a token). */
export function createAuditRepository(db: Kysely<AuthDatabase>) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      await db
        .insertInto('login_audit')
        .values({
          event: entry.event,
          email: entry.email.slice(0, 255),
          user_id: entry.userId ?? null,
          success: entry.success ? 1 : 0,
          outcome: entry.outcome ?? null,
          ip: entry.ip.slice(0, 45),
          user_agent: entry.userAgent?.slice(0, 500) ?? null,
        })
        .execute();
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
