import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzService, installSchemathesis } from './schemathesis.ts';
import { readLog } from './service-fixtures.ts';
import { SERVICE_KEY, type ShopWorld, shopper, startShopWorld, stockTheShop } from './shop-fixtures.ts';

/**
 * schemathesis (tests/services/schemathesis.ts) over orders, payments and notifications: every operation, valid
 * and invalid requests, as a customer with a profile (so the order paths run) and with the service
 * key (so payments' routes run); nothing may answer 5xx or outside its document. A fixed seed keeps
 * a failure reproducible.
 */
let world: ShopWorld & { closeShop(): Promise<void> };
let stBinary: string;
let token: string;
beforeAll(async () => {
  stBinary = await installSchemathesis();
  world = await startShopWorld({ overrides: { LOG_LEVEL: 'warn' } });
  const shop = await stockTheShop(world, 'fz');
  token = (await shopper(world, 'fuzz-customer@example.com', shop.regionCode)).accessToken;
}, 900_000);
afterAll(async () => {
  await world?.closeShop();
});

const fuzz = (baseUrl: string) =>
  fuzzService(stBinary, baseUrl, [`Authorization: Bearer ${token}`, `x-service-key: ${SERVICE_KEY}`]);

describe('fuzzing orders, payments and notifications from their OpenAPI documents', () => {
  for (const service of ['orders', 'payments', 'notifications'] as const) {
    it(`finds no 5xx and no answer outside its schema in ${service}`, async () => {
      const { code, output } = await fuzz(world[`${service}Url`]);
      // the services' own account of any 5xx, beside schemathesis' report
      const errors = readLog(world)
        .split('\n')
        .filter((line) => line.includes('"level":50'))
        .join('\n');
      expect(output, `${output}\n${errors}`).toMatch(/passed/i);
      expect(code, `${output}\n${errors}`).toBe(0);
    }, 600_000);
  }
});
