import { beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../core/exec.ts';
import { readPid } from '../../ops/infra/pid-file.ts';
import { ensureParts } from './ensure-parts.ts';

const OPENSEARCH = 'http://127.0.0.1:9200';
const PUSHGATEWAY = 'http://127.0.0.1:9091';

/** The user a part's server process runs as, from ps. */
async function processUser(part: string): Promise<string> {
  const pid = readPid(part);
  expect(pid, `${part} pid`).toBeDefined();
  return (await exec('ps', ['-o', 'user=', '-p', String(pid)])).stdout.trim();
}

describe('the log store and the Pushgateway', () => {
  beforeAll(async () => {
    await ensureParts('opensearch', 'pushgateway');
  });

  it('OpenSearch 2.19 answers on 127.0.0.1:9200, not as root, with the log index template', async () => {
    const about = (await (await fetch(OPENSEARCH)).json()) as {
      version: { distribution: string; number: string };
    };
    expect(about.version).toMatchObject({ distribution: 'opensearch', number: '2.19.6' });
    expect(await processUser('opensearch')).toBe('techmarket-opensearch');
    const template = (await (await fetch(`${OPENSEARCH}/_index_template/techmarket-logs`)).json()) as {
      index_templates: { index_template: { index_patterns: string[] } }[];
    };
    expect(template.index_templates[0]?.index_template.index_patterns).toEqual(['techmarket-logs-*']);
  });

  it('the Pushgateway keeps a pushed group until it is deleted', async () => {
    const group = `${PUSHGATEWAY}/metrics/job/infra-test/instance/${process.pid}`;
    const pushed = await fetch(group, { method: 'PUT', body: 'techmarket_infra_test_value 42\n' });
    expect(pushed.status).toBe(200);
    const metrics = await (await fetch(`${PUSHGATEWAY}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`techmarket_infra_test_value\\{instance="${process.pid}",job="infra-test"\\} 42`),
    );
    expect((await fetch(group, { method: 'DELETE' })).status).toBe(202);
    expect(await (await fetch(`${PUSHGATEWAY}/metrics`)).text()).not.toContain(`instance="${process.pid}"`);
  });

  it('a second up changes nothing', async () => {
    const before = [readPid('opensearch'), readPid('pushgateway')];
    await ensureParts('opensearch', 'pushgateway');
    expect([readPid('opensearch'), readPid('pushgateway')]).toEqual(before);
  });
});
