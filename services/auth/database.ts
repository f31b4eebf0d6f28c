import type { ColumnType, Generated } from 'kysely';

/** The auth database as kysely sees it (migrations in ./migrations; docs/db/auth.dbml). */
type Timestamps = {
  id: Generated<string>;
  created_at: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<string, string | undefined, never>;
};

export interface AuthDatabase {
  users: Timestamps & {
    email: string;
    password_hash: string;
    full_name: string;
    status: 'active' | 'locked' | 'disabled' | 'deleted';
    failed_logins: ColumnType<number, number | undefined, number>;
    locked_until: string | null;
  };
  roles: Timestamps & { name: string; description: string | null };
  user_roles: Timestamps & { user_id: string; role_id: string };
  refresh_tokens: Timestamps & {
    user_id: string;
    token_hash: string;
    expires_at: string;
    revoked_at: string | null;
    family_id: string | null;
    rotated_at: string | null;
  };
  password_resets: Timestamps & {
    user_id: string;
    token_hash: string;
    expires_at: string;
    used_at: string | null;
  };
  login_audit: Timestamps & {
    user_id: string | null;
    email: string;
    success: number;
    ip: string | null;
    user_agent: string | null;
    event: string;
    outcome: string | null;
  };
  signing_keys: Timestamps & {
    kid: string;
    algorithm: string;
    public_jwk: string;
    private_jwk: string;
    status: 'signing' | 'verifying' | 'retired';
  };
  outbound_messages: Timestamps & { channel: string; recipient: string; subject: string; body: string };
}
