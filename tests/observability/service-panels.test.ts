import { afterAll, describe, expect } from 'vitest';
import { call, serviceTest, userWithRoles } from '../services/service-fixtures.ts';
import { panelsWithoutData } from '../support/dashboard-panels.ts';
import { type PrivatePrometheus, startPrivatePrometheus } from '../support/private-prometheus.ts';

const address = (url: string) => url.replace(/^http:\/\//, '');

/**
 * Issue 17: every panel of the services dashboard shows data after a short load — auth, catalog and
 * the gateway scraped as the platform's Prometheus scrapes them (by port, labelled with the service).
 */
describe('the services dashboard after a short load', () => {
  let prometheus: PrivatePrometheus | undefined;
  afterAll(async () => {
    await prometheus?.close();
  });

  serviceTest('every panel returns data', async ({ world }) => {
    prometheus = await startPrivatePrometheus([
      { job: 'services', address: address(world.authUrl), labels: { service: 'auth' } },
      { job: 'services', address: address(world.catalogUrl), labels: { service: 'catalog' } },
      { job: 'gateway', address: address(world.gatewayUrl), labels: { service: 'gateway' } },
    ]);
    await prometheus.waitForSeries('count(up == 1) == 3', 30);
    const user = await userWithRoles(world, 'panels@techmarket.test');

    /** A short load: a login, profile reads, listings and refused queries (4xx). */
    const load = async () => {
      const login = await call(`${world.gatewayUrl}/api/auth/login`, {
        body: { email: 'panels@techmarket.test', password: user.password },
      });
      expect(login.status).toBe(200);
      for (let i = 0; i < 10; i++) {
        const me = await call(`${world.gatewayUrl}/api/auth/me`, { token: login.body.accessToken });
        expect(me.status).toBe(200);
        const listing = await call(`${world.gatewayUrl}/api/catalog/products?limit=5`);
        expect(listing.status).toBe(200);
        const refused = await call(`${world.gatewayUrl}/api/catalog/products?limit=many`);
        expect(refused.status).toBe(400);
      }
    };
    await load();
    // A series' first sample is only Prometheus's baseline: a second load after it has seen every
    // route's series makes their rates move.
    await prometheus.waitForSeries(
      'count(count by (service) (http_request_duration_seconds_count)) == 3 and count(http_request_duration_seconds_count{status_code=~"4.."}) > 0',
      30,
    );
    await load();
    expect(await panelsWithoutData(prometheus, ['techmarket-http'])).toEqual([]);
  });
});
