import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParts } from './ensure-parts.ts';

const PROMETHEUS = 'http://127.0.0.1:9090';

describe('prometheus', () => {
  beforeAll(async () => {
    await ensureParts('prometheus');
  });

  it('reports ready and scrapes every port of the design', async () => {
    expect((await fetch(`${PROMETHEUS}/-/ready`)).status).toBe(200);
    const response = await fetch(`${PROMETHEUS}/api/v1/targets`);
    const body = (await response.json()) as {
      data: { activeTargets: { scrapeUrl: string }[] };
    };
    const ports = body.data.activeTargets.map((t) => new URL(t.scrapeUrl).port).sort();
    expect(ports).toEqual(['7001', '7002', '7003', '7004', '7005', '7100', '7101', '8080', '9090']);
  });
});
