import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzService, installSchemathesis } from './schemathesis.ts';
import { type ServiceWorld, startServiceWorld, userWithRoles } from './service-fixtures.ts';

/**
 * schemathesis (tests/services/schemathesis.ts) over auth's and catalog's OpenAPI documents, as an
 * admin (so write paths run too): nothing may answer 5xx or outside its document.
 */
let world: ServiceWorld;
let stBinary: string;
let adminToken: string;
beforeAll(async () => {
  stBinary = await installSchemathesis();
  world = await startServiceWorld({ LOG_LEVEL: 'warn' });
  adminToken = (await userWithRoles(world, 'fuzz-admin@example.com', ['admin'])).accessToken;
}, 900_000);
afterAll(async () => {
  await world?.close();
});

const fuzz = (baseUrl: string) => fuzzService(stBinary, baseUrl, [`Authorization: Bearer ${adminToken}`]);

describe('fuzzing from the OpenAPI documents', () => {
  it('finds no 5xx and no answer outside its schema in auth', async () => {
    const { code, output } = await fuzz(world.authUrl);
    expect(output, output).toMatch(/passed/i);
    expect(code, output).toBe(0);
  }, 600_000);

  it('finds no 5xx and no answer outside its schema in catalog', async () => {
    const { code, output } = await fuzz(world.catalogUrl);
    expect(output, output).toMatch(/passed/i);
    expect(code, output).toBe(0);
  }, 600_000);
});
