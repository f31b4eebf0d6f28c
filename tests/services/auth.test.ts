import { describe, expect } from 'vitest';
import { call, readLog, rowsOf, serviceTest, userWithRoles } from './service-fixtures.ts';

const test = serviceTest;
test.scoped({ worldSettings: { LOCKOUT_AFTER_FAILURES: '3', RATE_LIMIT_PER_ACCOUNT: '8' } });

const password = 'correct horse battery staple';

describe('auth', () => {
  test('stores argon2id hashes, never the password', async ({ world }) => {
    await userWithRoles(world, 'hash@example.com');
    const [row] = await rowsOf<Record<string, string>>(
      world.authDb,
      "select password_hash from users where email = 'hash@example.com'",
    );
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row!.password_hash).not.toContain(password);
  });

  test('answers an unknown account and a wrong password alike (login, register, reset)', async ({
    world,
  }) => {
    await userWithRoles(world, 'known@example.com');
    const unknown = await call(`${world.authUrl}/login`, { body: { email: 'nobody@example.com', password } });
    const wrong = await call(`${world.authUrl}/login`, {
      body: { email: 'known@example.com', password: 'wrong password here' },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const again = await call(`${world.authUrl}/register`, { body: { email: 'known@example.com', password } });
    const fresh = await call(`${world.authUrl}/register`, { body: { email: 'fresh@example.com', password } });
    expect(again.status).toBe(fresh.status);
    expect(again.body).toEqual(fresh.body);
    const resetKnown = await call(`${world.authUrl}/password-reset/request`, {
      body: { email: 'known@example.com' },
    });
    const resetUnknown = await call(`${world.authUrl}/password-reset/request`, {
      body: { email: 'nobody@example.com' },
    });
    expect(resetKnown.status).toBe(202);
    expect(resetUnknown.body).toEqual(resetKnown.body);
    const audit = await rowsOf<Record<string, string>>(
      world.authDb,
      "select event, outcome from login_audit where email in ('nobody@example.com', 'known@example.com') order by id",
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        { event: 'login', outcome: 'unknown_account' },
        { event: 'login', outcome: 'wrong_password' },
        { event: 'register', outcome: 'email_taken' },
        { event: 'password_reset_request', outcome: 'unknown_account' },
      ]),
    );
  });

  test('refuses weak passwords and bad bodies with 400 naming the field', async ({ world }) => {
    const short = await call(`${world.authUrl}/register`, {
      body: { email: 'weak@example.com', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.details.field).toBe('body.password');
    const common = await call(`${world.authUrl}/register`, {
      body: { email: 'weak@example.com', password: 'Password123' },
    });
    expect(common.status).toBe(400);
    expect(common.body.message).toContain('common');
    const badEmail = await call(`${world.authUrl}/login`, { body: { email: 'not-an-email', password } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.details.field).toBe('body.email');
    const extra = await call(`${world.authUrl}/register`, {
      body: { email: 'sneaky@example.com', password, roles: ['admin'] },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.details.field).toBe('body.roles');
    const rows = await rowsOf<Record<string, string>>(
      world.authDb,
      "select id from users where email in ('weak@example.com', 'sneaky@example.com')",
    );
    expect(rows).toEqual([]);
  });

  test('rotates refresh tokens, and reusing an old one revokes the whole family', async ({ world }) => {
    const user = await userWithRoles(world, 'rotate@example.com');
    const first = await call(`${world.authUrl}/refresh`, { body: { refreshToken: user.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    const reuse = await call(`${world.authUrl}/refresh`, { body: { refreshToken: user.refreshToken } });
    expect(reuse.status).toBe(401);
    // The thief's replay also killed the legitimate successor.
    const successor = await call(`${world.authUrl}/refresh`, {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(successor.status).toBe(401);
    const [family] = await rowsOf<Record<string, string>>(
      world.authDb,
      'select count(*) as n, sum(revoked_at is not null) as revoked from refresh_tokens where user_id = ?',
      [user.id],
    );
    expect(Number(family!.n)).toBe(2);
    expect(Number(family!.revoked)).toBe(2);
    const [stored] = await rowsOf<Record<string, string>>(
      world.authDb,
      'select count(*) as n from refresh_tokens where token_hash = ?',
      [user.refreshToken],
    );
    expect(Number(stored!.n)).toBe(0);
  });

  test('locks an account after repeated failures, says so only to its owner, and a reset unlocks it', async ({
    world,
  }) => {
    await userWithRoles(world, 'lock@example.com');
    for (let i = 0; i < 3; i++) {
      const failed = await call(`${world.authUrl}/login`, {
        body: { email: 'lock@example.com', password: 'not the password' },
      });
      expect(failed.status).toBe(401);
    }
    const stranger = await call(`${world.authUrl}/login`, {
      body: { email: 'lock@example.com', password: 'still not it' },
    });
    expect(stranger.status).toBe(401);
    expect(stranger.body.error).toBe('invalid_credentials');
    const owner = await call(`${world.authUrl}/login`, { body: { email: 'lock@example.com', password } });
    expect(owner.status).toBe(423);
    expect(owner.body.error).toBe('account_locked');
    await call(`${world.authUrl}/password-reset/request`, { body: { email: 'lock@example.com' } });
    const [message] = await rowsOf<Record<string, string>>(
      world.authDb,
      "select body from outbound_messages where recipient = 'lock@example.com' order by id desc limit 1",
    );
    const token = /token [^:]*: (\S+)/.exec(message!.body!)![1]!;
    const newPassword = 'a brand new passphrase';
    expect(
      (await call(`${world.authUrl}/password-reset/confirm`, { body: { token, password: newPassword } }))
        .status,
    ).toBe(200);
    expect(
      (await call(`${world.authUrl}/login`, { body: { email: 'lock@example.com', password: newPassword } }))
        .status,
    ).toBe(200);
  });

  test('limits login attempts per account', async ({ world }) => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await call(`${world.authUrl}/login`, { body: { email: 'flood@example.com', password } })).status,
      );
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
  });

  test('rotates the signing key without logging anyone out, then retires the old one', async ({ world }) => {
    const admin = await userWithRoles(world, 'keys-admin@example.com', ['admin']);
    const before = (await call(`${world.authUrl}/.well-known/jwks.json`)).body.keys;
    const rotated = await call(`${world.authUrl}/keys/rotate`, { method: 'POST', token: admin.accessToken });
    expect(rotated.status).toBe(201);
    const during = (await call(`${world.authUrl}/.well-known/jwks.json`)).body.keys;
    expect(during.map((k: { kid: string }) => k.kid)).toEqual(
      expect.arrayContaining([...before.map((k: { kid: string }) => k.kid), rotated.body.kid]),
    );
    // The old access token still works at a service that has only cached the old JWKS...
    expect((await call(`${world.authUrl}/me`, { token: admin.accessToken })).status).toBe(200);
    // ...and the session goes on: a refresh gives a token signed with the new key.
    const refreshed = await call(`${world.authUrl}/refresh`, { body: { refreshToken: admin.refreshToken } });
    const header = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: rotated.body.kid });
    const catalogSees = await call(`${world.catalogUrl}/products?includeInactive=true`, {
      token: refreshed.body.accessToken,
    });
    expect(catalogSees.status).toBe(200);
    for (const old of before) {
      expect(
        (
          await call(`${world.authUrl}/keys/${old.kid}/retire`, {
            method: 'POST',
            token: refreshed.body.accessToken,
          })
        ).status,
      ).toBe(200);
    }
    expect((await call(`${world.authUrl}/me`, { token: admin.accessToken })).status).toBe(401);
    expect((await call(`${world.authUrl}/me`, { token: refreshed.body.accessToken })).status).toBe(200);
  });

  test('never writes passwords or tokens to its log', async ({ world }) => {
    const user = await userWithRoles(world, 'logs@example.com');
    await call(`${world.authUrl}/refresh`, { body: { refreshToken: user.refreshToken } });
    await call(`${world.authUrl}/me`, { token: user.accessToken });
    const log = readLog(world);
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('"requestId"');
    for (const secret of [password, user.accessToken, user.refreshToken, user.accessToken.split('.')[2]!]) {
      expect(log).not.toContain(secret);
    }
  });
});
