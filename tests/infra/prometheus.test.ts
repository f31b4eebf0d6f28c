import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParts } from './ensure-parts.ts';

const PROMETHEUS = 'http://127.0.0.1:9090';

async function scrapedPorts(): Promise<string[]> {
  const response = await fetch(`${PROMETHEUS}/api/v1/targets`);
  const body = (await response.json()) as {
    data: { activeTargets: { scrapeUrl: string; labels: Record<string, string> }[] };
  };
  // Targets registered by file come and go with the processes (tests) that write them.
  return body.data.activeTargets
    .filter((t) => t.labels.job !== 'registered')
    .map((t) => new URL(t.scrapeUrl).port)
    .sort();
}

describe('prometheus', () => {
  beforeAll(async () => {
    await ensureParts('prometheus');
  });

  it('reports ready and scrapes every port of the design', async () => {
    expect((await fetch(`${PROMETHEUS}/-/ready`)).status).toBe(200);
    // A Prometheus that has just started lists its targets a moment after it reports ready.
    const expected = ['7001', '7002', '7003', '7004', '7005', '7100', '7101', '7102', '8080', '9090', '9091'];
    const deadline = Date.now() + 30_000;
    let ports = await scrapedPorts();
    while (ports.length < expected.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      ports = await scrapedPorts();
    }
    expect(ports).toEqual(expected);
  });
});
