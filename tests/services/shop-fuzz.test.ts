import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { readLog } from './service-fixtures.ts';
import { SERVICE_KEY, type ShopWorld, shopper, startShopWorld, stockTheShop } from './shop-fixtures.ts';

/**
 * schemathesis (the runner of tests/services/fuzz.test.ts, installed by
 * scripts/install-schemathesis.sh) over orders, payments and notifications: every operation, valid
 * and invalid requests, as a customer with a profile (so the order paths run) and with the service
 * key (so payments' routes run); nothing may answer 5xx or outside its document. A fixed seed keeps
 * a failure reproducible.
 */
let world: ShopWorld & { closeShop(): Promise<void> };
let stBinary: string;
let token: string;
beforeAll(async () => {
  stBinary = (await exec('bash', [join(REPO_ROOT, 'scripts/install-schemathesis.sh')])).stdout.trim();
  world = await startShopWorld({ overrides: { LOG_LEVEL: 'warn' } });
  const shop = await stockTheShop(world, 'fz');
  token = (await shopper(world, 'fuzz-customer@example.com', shop.regionCode)).accessToken;
}, 900_000);
afterAll(async () => {
  await world?.closeShop();
});

async function fuzz(baseUrl: string) {
  const result = await exec(
    stBinary,
    [
      'run',
      `${baseUrl}/docs/json`,
      '--url',
      baseUrl,
      '--checks',
      'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
      '--max-examples',
      '25',
      '--seed',
      '13',
      '--workers',
      '2',
      '--generation-database',
      'none',
      '--header',
      `Authorization: Bearer ${token}`,
      '--header',
      `x-service-key: ${SERVICE_KEY}`,
      '--no-color',
    ],
    { allowFailure: true, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } },
  );
  return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
}

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
