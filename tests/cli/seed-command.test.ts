import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedResult } from '../../demo/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { envFor, runCli } from './run-cli.ts';

let scratch: Scratch;
beforeAll(async () => {
  scratch = await createScratch();
});
afterAll(async () => {
  await scratch?.drop();
});

describe('techmarket seed', () => {
  it('seeds empty databases, refuses non-empty ones, and starts over with --reset', async () => {
    const env = envFor(scratch.config);
    const first = await runCli(['seed', '--scale', '0.002', '--anchor', '2025-06-15', '--json'], env);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as SeedResult;
    expect(result.tables.find((t) => t.table === 'orders.orders')?.rows).toBe(200);
    expect(result.rows).toBe(result.tables.reduce((sum, t) => sum + t.rows, 0));

    const again = await runCli(['seed', '--scale', '0.002'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already hold data/);
    expect(again.stderr).toMatch(/--reset/);

    const reset = await runCli(['seed', '--scale', '0.002', '--anchor', '2025-06-15', '--reset'], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^orders\.order_items\s+\d+$/m);
    expect(reset.stdout).toMatch(/seeded \d+ rows in .* rows\/s\), seed 1, anchor 2025-06-15/);
    expect(reset.stderr).toMatch(/seed: orders .*rows\/s/);
  });
});
