import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { spawnDetached } from '../../core/exec.ts';
import { infraDown, infraUp } from '../../ops/infra/infra.ts';
import { isPortOpen } from '../../ops/infra/net.ts';
import type { InfraPart } from '../../ops/infra/part.ts';
import { readPid } from '../../ops/infra/pid-file.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A real (tiny) TCP server managed like any part; its settings are whatever the test says. */
function listenerPart(name: string, port: number, settings: { value: string }): InfraPart {
  return {
    name,
    address: `127.0.0.1:${port}`,
    async isInstalled() {
      return true;
    },
    async install() {},
    async start() {
      return spawnDetached(
        process.execPath,
        ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`],
        { logFile: join(tmpdir(), `${name}.log`) },
      );
    },
    async isHealthy() {
      return isPortOpen(`127.0.0.1:${port}`);
    },
    startSettings() {
      return settings.value;
    },
    async version() {
      return undefined;
    },
  };
}

describe('infra up and a part whose settings changed', () => {
  const name = `test-listener-${randomBytes(3).toString('hex')}`;
  const settings = { value: 'work_mem=64MB' };
  const lines: string[] = [];
  const ctx = { config: loadConfig(), log: (line: string) => lines.push(line) };
  let part: InfraPart;

  afterAll(async () => {
    if (part) await infraDown([part], ctx);
  });

  it('leaves a running part alone while its settings are the same, and restarts it when they change', async () => {
    part = listenerPart(name, await freePort(), settings);
    expect((await infraUp([part], ctx))[0]!.action).toBe('started');
    const first = readPid(name);
    expect(first).toBeDefined();

    expect((await infraUp([part], ctx))[0]!.action).toBe('already-running');
    expect(readPid(name)).toBe(first);

    settings.value = 'work_mem=128MB';
    expect((await infraUp([part], ctx))[0]!.action).toBe('started');
    expect(lines).toContain(`${name}: its settings changed since it started: restarting`);
    const second = readPid(name);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await infraUp([part], ctx))[0]!.action).toBe('already-running');

    expect((await infraDown([part], ctx))[0]!.action).toBe('stopped');
    expect(readPid(name)).toBeUndefined();
    expect(await isPortOpen(part.address)).toBe(false);
  });
});
