import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { toxiproxyPart } from '../../ops/infra/parts/toxiproxy.ts';
import { openProxy } from '../faults/support/toxiproxy.ts';
import { ensureParts } from './ensure-parts.ts';

describe('Toxiproxy', () => {
  beforeAll(async () => {
    await ensureParts('toxiproxy');
  });

  it('is 2.5.0 on 127.0.0.1:8474, and a proxy of a test delays what passes it until healed, then goes', async () => {
    expect(toxiproxyPart.address).toBe('127.0.0.1:8474');
    expect(await toxiproxyPart.version()).toBe('2.5.0');
    expect(await (await fetch(`${loadConfig().TOXIPROXY_URL}/version`)).text()).toContain('2.5.0');

    const proxy = await openProxy('infra-test', loadConfig().DWH_URL);
    const client = new pg.Client({ connectionString: proxy.via(loadConfig().DWH_URL) });
    try {
      await client.connect();
      await proxy.add({ type: 'latency', attributes: { latency: 500, jitter: 0 } });
      let started = performance.now();
      await client.query('select 1');
      expect(performance.now() - started).toBeGreaterThanOrEqual(450);
      await proxy.heal();
      started = performance.now();
      await client.query('select 1');
      expect(performance.now() - started).toBeLessThan(450);
    } finally {
      await client.end();
      await proxy.close();
    }
    const listed = (await (await fetch(`${loadConfig().TOXIPROXY_URL}/proxies`)).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(listed)).not.toContain(proxy.name);
  });
});
