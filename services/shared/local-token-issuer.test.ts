import { describe, expect, it } from 'vitest';
import { loadSettings, serviceSettings } from './config.ts';
import { createService } from './create-service.ts';
import { localTokenIssuer } from './local-token-issuer.ts';

describe('localTokenIssuer', () => {
  it('signs tokens the kit accepts as auth’s, and only with its own key', async () => {
    const settings = loadSettings(serviceSettings, { LOG_LEVEL: 'silent' });
    const issuer = await localTokenIssuer(settings);
    const other = await localTokenIssuer(settings);
    const app = await createService({
      name: 'issuer-test',
      description: 'a service checking the local issuer’s tokens',
      settings,
      checkReady: async () => {},
      accessTokens: issuer.accessTokens,
      withoutDocs: true,
    });
    app.get('/me', { preHandler: app.authenticate }, async (request) => request.principal);
    await app.ready();
    const asUser = async (token: string) =>
      app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });

    const mine = await asUser(await issuer.sign(7, ['admin']));
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ userId: 7, roles: ['admin'] });
    expect((await asUser(await other.sign(7, ['admin']))).statusCode).toBe(401);
    await app.close();
  });
});
