import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { type ServiceWorld, startServiceWorld, userWithRoles } from './service-fixtures.ts';

/**
 * schemathesis (PyPI, pinned, installed by scripts/install-schemathesis.sh into the cache folder)
 * generates requests for every operation of each service's OpenAPI document, valid and invalid,
 * as an admin (so write paths run too), and checks that nothing answers 5xx and that every answer
 * matches the document. A fixed seed keeps a failure reproducible.
 */
let world: ServiceWorld;
let stBinary: string;
let adminToken: string;
beforeAll(async () => {
  stBinary = (await exec('bash', [join(REPO_ROOT, 'scripts/install-schemathesis.sh')])).stdout.trim();
  world = await startServiceWorld({ LOG_LEVEL: 'warn' });
  adminToken = (await userWithRoles(world, 'fuzz-admin@example.com', ['admin'])).accessToken;
}, 900_000);
afterAll(async () => {
  await world?.close();
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
      `Authorization: Bearer ${adminToken}`,
      '--no-color',
    ],
    { allowFailure: true, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } },
  );
  return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
}

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
