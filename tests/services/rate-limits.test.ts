import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, rowsOf, type ServiceWorld, startServiceWorld } from './service-fixtures.ts';

let world: ServiceWorld;
beforeAll(async () => {
  world = await startServiceWorld({ RATE_LIMIT_PER_ADDRESS: '5', GATEWAY_RATE_LIMIT_PER_MINUTE: '40' });
});
afterAll(async () => {
  await world?.close();
});

describe('rate limits', () => {
  it('auth limits login attempts per address across accounts, and audits the refusals', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const reply = await call(`${world.authUrl}/login`, {
        body: { email: `spray${i}@example.com`, password: 'correct horse battery staple' },
      });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refused = await rowsOf<{ outcome: string }>(
      world.authDb,
      "select outcome from login_audit where outcome like 'rate_limited%'",
    );
    expect(refused.map((r) => r.outcome)).toEqual(['rate_limited_address', 'rate_limited_address']);
  });

  it('the gateway limits requests per client address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 42; i++) {
      last = await call(`${world.gatewayUrl}/api/catalog/categories`);
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.slice(40)).toEqual([429, 429]);
    expect(last!.body.error).toBe('too_many_requests');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
