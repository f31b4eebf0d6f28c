import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../demo/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { sourceChecksums } from './helpers/source-queries.ts';

const SCALE = 0.02;
const ANCHOR = '2025-06-15';
const scratches: Scratch[] = [];

async function seeded(seed: string): Promise<Scratch> {
  const scratch = await createScratch();
  scratches.push(scratch);
  await seedDemoData(scratch.config, { scale: SCALE, seed, anchorDay: ANCHOR, reset: false, quiet: true });
  return scratch;
}

let first: Scratch;
let second: Scratch;
let other: Scratch;

/**
 * Tables only the running services write (keys, outgoing messages, idempotency keys, PSP webhook
 * events): the seed leaves them empty.
 */
const SERVICE_RUNTIME_TABLES = new Set([
  'auth.signing_keys',
  'auth.outbound_messages',
  'orders.idempotency_keys',
  'payments.idempotency_keys',
  'payments.psp_events',
]);

beforeAll(async () => {
  first = await seeded('alpha');
  second = await seeded('alpha');
  other = await seeded('beta');
});
afterAll(async () => {
  for (const scratch of scratches) await scratch.drop();
});

describe('seed determinism', () => {
  it('gives byte-identical tables for the same seed and anchor', async () => {
    const a = await sourceChecksums(first.config);
    const b = await sourceChecksums(second.config);
    const seededTables = Object.keys(a).filter((table) => !SERVICE_RUNTIME_TABLES.has(table));
    expect(seededTables).toHaveLength(18);
    for (const table of seededTables) expect(a[table]!.rows, table).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('gives different data for another seed', async () => {
    const a = await sourceChecksums(first.config);
    const c = await sourceChecksums(other.config);
    const differing = Object.keys(a).filter((table) => a[table]!.md5 !== c[table]!.md5);
    // Regions and roles are reference data; everything generated must differ.
    expect(differing).toEqual(
      expect.arrayContaining([
        'orders.customers',
        'orders.orders',
        'orders.order_items',
        'catalog.products',
        'payments.payments',
      ]),
    );
    expect(c['orders.regions']).toEqual(a['orders.regions']);
  });

  it('refuses to seed over data, and --reset reproduces the same bytes', async () => {
    const before = await sourceChecksums(first.config);
    await expect(
      seedDemoData(first.config, {
        scale: SCALE,
        seed: 'alpha',
        anchorDay: ANCHOR,
        reset: false,
        quiet: true,
      }),
    ).rejects.toThrow(/already hold data.*seed fills empty databases only/);
    expect(await sourceChecksums(first.config)).toEqual(before);
    await seedDemoData(first.config, {
      scale: SCALE,
      seed: 'alpha',
      anchorDay: ANCHOR,
      reset: true,
      quiet: true,
    });
    expect(await sourceChecksums(first.config)).toEqual(before);
  });
});
