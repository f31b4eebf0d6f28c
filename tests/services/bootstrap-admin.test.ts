import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import { bootstrapAdmin } from '../../services/auth/bootstrap-admin.ts';
import type { AuthDatabase } from '../../services/auth/database.ts';
import { openDatabase } from '../../services/shared/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { call, readLog, rowsOf, type ServiceWorld, serviceTest, userWithRoles } from './service-fixtures.ts';

const test = serviceTest;
const dir = mkdtempSync(join(tmpdir(), 'techmarket-admin-'));

/** The CLI runs with auth's own settings, pointed at the world's scratch auth database. */
const cliEnv = (world: ServiceWorld) => ({
  AUTH_DB_URL: sourceUrl(world.scratch.config, 'auth'),
  TECHMARKET_ADMIN_PASSWORD: '',
});

const adminCount = async (world: ServiceWorld) =>
  (
    await rowsOf<{ n: number }>(
      world.authDb,
      "select count(*) as n from user_roles ur join roles r on r.id = ur.role_id where r.name = 'admin'",
    )
  )[0]!.n;

describe('techmarket services admin create (the first admin)', () => {
  test('refuses a weak password naming the field, and a missing one, writing nothing', async ({ world }) => {
    const env = cliEnv(world);
    const weak = await runCli(['services', 'admin', 'create', '--email', 'root@example.com'], {
      ...env,
      TECHMARKET_ADMIN_PASSWORD: 'short',
    });
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toContain('TECHMARKET_ADMIN_PASSWORD: must be at least 10 characters');
    const none = await runCli(['services', 'admin', 'create', '--email', 'root@example.com'], env);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('TECHMARKET_ADMIN_PASSWORD');
    const badEmail = await runCli(['services', 'admin', 'create', '--email', 'root'], {
      ...env,
      TECHMARKET_ADMIN_PASSWORD: 'a long enough password here',
    });
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('--email');
    // The traffic driver's admin needs the same variable, and says so before doing anything.
    const traffic = await runCli(
      ['traffic', '--customers', '1', '--minutes', '1', '--admin-email', 'root@example.com'],
      env,
    );
    expect(traffic.code).toBe(2);
    expect(traffic.stderr).toContain('TECHMARKET_ADMIN_PASSWORD');
    expect(await adminCount(world)).toBe(0);
    expect(await rowsOf(world.authDb, 'select id from users')).toEqual([]);
  });

  test('creates an admin who logs in and uses an admin-only route; a second bootstrap is refused', async ({
    world,
  }) => {
    const env = cliEnv(world);
    const password = 'bootstrap correct horse battery';
    const file = join(dir, 'password');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    const created = await runCli(
      ['services', 'admin', 'create', '--email', 'Root@Example.com', '--password-file', file, '--json'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ created: true, email: 'root@example.com' });
    expect(created.stdout).not.toContain(password);
    const [row] = await rowsOf<{ password_hash: string }>(
      world.authDb,
      "select password_hash from users where email = 'root@example.com'",
    );
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);

    const login = await call(`${world.gatewayUrl}/api/auth/login`, {
      body: { email: 'root@example.com', password },
    });
    expect(login.status).toBe(200);
    const someone = await userWithRoles(world, 'someone@example.com');
    const promoted = await call(`${world.gatewayUrl}/api/auth/users/${someone.id}/roles`, {
      method: 'PUT',
      body: { roles: ['sales_manager'] },
      token: login.body.accessToken,
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.roles).toEqual(['sales_manager']);

    const again = await runCli(['services', 'admin', 'create', '--email', 'other@example.com', '--json'], {
      ...env,
      TECHMARKET_ADMIN_PASSWORD: 'another strong password here',
    });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ created: false, reason: 'admin_exists', existingAdmins: 1 });
    expect(await adminCount(world)).toBe(1);
    expect(await rowsOf(world.authDb, "select id from users where email = 'other@example.com'")).toEqual([]);
    expect(readLog(world)).not.toContain(password);
  }, 60_000);

  test('makes one admin when two bootstraps run at once', async ({ world }) => {
    const env = cliEnv(world);
    // Back to no admin (this scratch database is the test's own), then two bootstraps race.
    await world.authDb.query(
      "delete ur from user_roles ur join roles r on r.id = ur.role_id where r.name = 'admin'",
    );
    const db = openDatabase<AuthDatabase>(env.AUTH_DB_URL!, { connectionLimit: 2 });
    try {
      const policy = { minLength: 10, memoryKib: 19_456, timeCost: 2 };
      const outcomes = await Promise.all(
        ['race-a@example.com', 'race-b@example.com'].map((email) =>
          bootstrapAdmin(db, { email, password: 'race correct horse battery', policy }),
        ),
      );
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.created)).toEqual([
        { created: false, reason: 'admin_exists', existingAdmins: 1 },
      ]);
      expect(await adminCount(world)).toBe(1);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
