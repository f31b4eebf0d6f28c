import type { SeededRandom } from '../random/seeded-random.ts';
import { formatDatetime, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import type { SeedWorld } from './seed-world.ts';

export const ROLE_COLUMNS = ['id', 'created_at', 'updated_at', 'name', 'description'] as const;
export const USER_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'email',
  'password_hash',
  'full_name',
  'status',
] as const;
export const USER_ROLE_COLUMNS = ['id', 'created_at', 'updated_at', 'user_id', 'role_id'] as const;
export const REFRESH_TOKEN_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'user_id',
  'token_hash',
  'expires_at',
  'revoked_at',
] as const;
export const PASSWORD_RESET_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'user_id',
  'token_hash',
  'expires_at',
  'used_at',
] as const;
export const LOGIN_AUDIT_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'user_id',
  'email',
  'success',
  'ip',
  'user_agent',
] as const;

/** The per-user tables; roles are written once, by the staff pass. */
export type AccountTable = 'users' | 'user_roles' | 'refresh_tokens' | 'password_resets' | 'login_audit';
export type AuthTable = 'roles' | AccountTable;

const ROLES = [
  ['customer', 'Buys in the shop'],
  ['sales_manager', 'Looks after the customers of a region'],
  ['admin', 'Runs the platform'],
  ['analyst', 'Reads the "bi" views'],
  ['support', "Answers customers' questions"],
] as const;
const ROLE_ID = { customer: 1, sales_manager: 2, admin: 3, analyst: 4 } as const;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36',
  'TechMarket/3.2.1 (Android 13; "Pixel 7")',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Running ids of the per-user auth tables, shared by the staff and the customer passes. */
export interface AuthIds {
  user: number;
  userRole: number;
  refreshToken: number;
  passwordReset: number;
  loginAudit: number;
}

export interface Account {
  email: string;
  fullName: string;
  role: keyof typeof ROLE_ID;
  createdMicros: number;
}

export function createAuthIds(): AuthIds {
  return { user: 0, userRole: 0, refreshToken: 0, passwordReset: 0, loginAudit: 0 };
}

/** Roles, then the staff's accounts: three platform accounts and one per sales manager. */
export async function generateStaffAccounts(
  world: SeedWorld,
  ids: AuthIds,
  out: GeneratorOutput<AuthTable>,
): Promise<void> {
  const random = world.random('auth-staff');
  const opened = world.plan.windowStartMicros - 3 * 365 * MICROS_PER_DAY;
  ROLES.forEach(([name, description], index) => {
    const created = formatDatetime(opened + index * 1000);
    out.sinks.roles.push([index + 1, created, created, name, description]);
  });
  const platform: Account[] = [
    {
      email: 'admin@techmarket.ua',
      fullName: 'Адміністратор платформи',
      role: 'admin',
      createdMicros: opened,
    },
    { email: 'bi.analyst@techmarket.ua', fullName: 'Аналітик BI', role: 'analyst', createdMicros: opened },
    {
      email: "o'neill.analyst@techmarket.ua",
      fullName: "Patrick O'Neill",
      role: 'analyst',
      createdMicros: opened,
    },
  ];
  for (const account of platform) pushAccount(random, world, ids, out, account);
  for (const employee of world.employees) {
    pushAccount(random, world, ids, out, {
      email: employee.email,
      fullName: employee.fullName,
      role: 'sales_manager',
      createdMicros: employee.createdMicros,
    });
  }
  await out.breathe();
}

/** One user with their role and some activity: refresh tokens, password resets, logins. */
export function pushAccount(
  random: SeededRandom,
  world: SeedWorld,
  ids: AuthIds,
  out: GeneratorOutput<AccountTable>,
  account: Account,
): number {
  const { anchorMicros } = world.plan;
  const userId = ++ids.user;
  const created = account.createdMicros;
  const later = () => created + Math.floor(random.next() * (anchorMicros - created));
  const status = random.weighted([
    ['active', 97],
    ['locked', 2],
    ['deleted', 1],
  ] as const);
  const updated = status === 'active' && random.chance(0.8) ? created : later();
  let hash = '$2b$10$';
  for (let i = 0; i < 53; i++) hash += BCRYPT_ALPHABET[Math.floor(random.next() * 64)];
  const createdText = formatDatetime(created);
  out.sinks.users.push([
    userId,
    createdText,
    formatDatetime(updated),
    account.email,
    hash,
    account.fullName,
    status,
  ]);
  out.sinks.user_roles.push([++ids.userRole, createdText, createdText, userId, ROLE_ID[account.role]]);

  if (random.chance(0.3)) {
    const issued = later();
    const revoked = random.chance(0.2) ? issued + random.int(1, 72) * MICROS_PER_HOUR : null;
    const touched = revoked !== null && revoked < anchorMicros ? revoked : null;
    out.sinks.refresh_tokens.push([
      ++ids.refreshToken,
      formatDatetime(issued),
      formatDatetime(touched ?? issued),
      userId,
      random.hex(64),
      formatDatetime(issued + 30 * MICROS_PER_DAY),
      touched === null ? null : formatDatetime(touched),
    ]);
  }
  if (random.chance(0.03)) {
    const requested = later();
    const used = requested + random.int(1, 50) * MICROS_PER_MINUTE;
    const usedInTime = random.chance(0.7) && used < anchorMicros;
    out.sinks.password_resets.push([
      ++ids.passwordReset,
      formatDatetime(requested),
      formatDatetime(usedInTime ? used : requested),
      userId,
      random.hex(64),
      formatDatetime(requested + MICROS_PER_HOUR),
      usedInTime ? formatDatetime(used) : null,
    ]);
  }
  if (random.chance(0.4)) {
    const logins = random.int(1, 3);
    for (let i = 0; i < logins; i++) {
      const at = formatDatetime(later());
      const ip = random.chance(0.05)
        ? `2a02:2378:${random.hex(4)}:${random.hex(4)}::${random.hex(2)}`
        : `${random.pick([46, 91, 93, 176, 178, 188, 194])}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
      out.sinks.login_audit.push([
        ++ids.loginAudit,
        at,
        at,
        userId,
        account.email,
        random.chance(0.9) ? 1 : 0,
        ip,
        random.pick(USER_AGENTS),
      ]);
    }
  }
  return userId;
}
