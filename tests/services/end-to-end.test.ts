import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureParts } from '../infra/ensure-parts.ts';
import { type PrivateNginx, startPrivateNginx } from './private-nginx.ts';
import { readLog, rowsOf, type ServiceWorld, startServiceWorld } from './service-fixtures.ts';

let world: ServiceWorld;
let nginx: PrivateNginx;
beforeAll(async () => {
  await ensureParts('nginx'); // installs Debian's nginx where missing
  world = await startServiceWorld();
  nginx = await startPrivateNginx(world.gatewayUrl, mkdtempSync(join(tmpdir(), 'techmarket-nginx-')));
});
afterAll(async () => {
  await nginx?.stop();
  await world?.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies loosely and assert on them
  body: any;
}

/** A call through nginx over TLS, trusting only the certificate nginx was given. */
function viaNginx(path: string, options: { body?: unknown; token?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port: nginx.httpsPort,
        servername: 'localhost',
        ca: nginx.certificate,
        path,
        method: payload === undefined ? 'GET' : 'POST',
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function tlsHandshake(options: { maxVersion?: 'TLSv1.1' | 'TLSv1.2'; alpn?: string[] }) {
  return new Promise<{ ok: boolean; protocol?: string | false | null; alpn?: string | false | null }>(
    (resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: nginx.httpsPort,
        servername: 'localhost',
        ca: nginx.certificate,
        ...(options.maxVersion ? { maxVersion: options.maxVersion, minVersion: 'TLSv1' } : {}),
        ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
      });
      socket.once('secureConnect', () => {
        resolve({ ok: true, protocol: socket.getProtocol(), alpn: socket.alpnProtocol });
        socket.end();
      });
      socket.once('error', () => resolve({ ok: false }));
    },
  );
}

const email = 'e2e@example.com';
const password = 'e2e correct horse battery';

describe('through nginx (TLS) and the gateway', () => {
  it('serves TLS 1.2+ only, offers HTTP/2, sends HSTS, and redirects port 80', async () => {
    expect((await tlsHandshake({ maxVersion: 'TLSv1.1' })).ok).toBe(false);
    expect(await tlsHandshake({ maxVersion: 'TLSv1.2' })).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    expect((await tlsHandshake({ alpn: ['h2', 'http/1.1'] })).alpn).toBe('h2');
    const reply = await viaNginx('/api/catalog/categories');
    expect(reply.status).toBe(200);
    expect(reply.headers['strict-transport-security']).toContain('max-age=31536000');
    const redirect = await fetch(`http://127.0.0.1:${nginx.httpPort}/api/catalog/products`, {
      redirect: 'manual',
    });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(
      `https://127.0.0.1:${nginx.httpsPort}/api/catalog/products`,
    );
    const metrics = await viaNginx('/metrics');
    expect(metrics.status).toBe(404);
    expect(metrics.body.error).toBe('not_found');
    expect((await viaNginx('/api/catalog/metrics')).status).toBe(404);
  });

  it('register → login → protected route → refresh → logout, then the refresh token is refused', async () => {
    expect((await viaNginx('/api/auth/register', { body: { email, password } })).status).toBe(202);
    const login = await viaNginx('/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await viaNginx('/api/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, roles: ['customer'], status: 'active' });
    expect((await viaNginx('/api/auth/me')).status).toBe(401);
    const refreshed = await viaNginx('/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await viaNginx('/api/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const logout = await viaNginx('/api/auth/logout', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(logout.status).toBe(200);
    const after = await viaNginx('/api/auth/refresh', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(after.status).toBe(401);
  });

  it('a password reset works once, ends every session, and the old password stops working', async () => {
    const sessionA = await viaNginx('/api/auth/login', { body: { email, password } });
    const sessionB = await viaNginx('/api/auth/login', { body: { email, password } });
    expect((await viaNginx('/api/auth/password-reset/request', { body: { email } })).status).toBe(202);
    const [message] = await rowsOf<{ body: string }>(
      world.authDb,
      'select body from outbound_messages where recipient = ? order by id desc limit 1',
      [email],
    );
    const token = /token [^:]*: (\S+)/.exec(message!.body)![1]!;
    const [stored] = await rowsOf<{ n: number }>(
      world.authDb,
      'select count(*) as n from password_resets where token_hash = ?',
      [token],
    );
    expect(Number(stored!.n)).toBe(0); // only its hash is kept
    const newPassword = 'e2e a wholly new passphrase';
    const confirm = await viaNginx('/api/auth/password-reset/confirm', {
      body: { token, password: newPassword },
    });
    expect(confirm.status).toBe(200);
    const again = await viaNginx('/api/auth/password-reset/confirm', {
      body: { token, password: 'e2e yet another one!' },
    });
    expect(again.status).toBe(400);
    expect(again.body.details.field).toBe('body.token');
    for (const session of [sessionA, sessionB]) {
      expect(
        (await viaNginx('/api/auth/refresh', { body: { refreshToken: session.body.refreshToken } })).status,
      ).toBe(401);
    }
    expect((await viaNginx('/api/auth/login', { body: { email, password } })).status).toBe(401);
    expect((await viaNginx('/api/auth/login', { body: { email, password: newPassword } })).status).toBe(200);
  });

  it('left no password, token or reset token in any log of the run', async () => {
    const logs = readLog(world) + readFileSync(nginx.accessLog, 'utf8');
    expect(logs).toContain('/api/auth/login');
    const tokens = await rowsOf<{ body: string }>(world.authDb, 'select body from outbound_messages');
    const secrets = [
      password,
      'e2e a wholly new passphrase',
      ...tokens.map((t) => /: (\S+)\n/.exec(t.body)![1]!),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT
  });
});
