import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { ConnectionLostError } from '../pipeline/connection-lost.ts';
import { explainUnreachable } from './unreachable-server.ts';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a server that cannot be reached, explained', () => {
  const cfg = loadConfig();
  const warehouse = new URL(cfg.DWH_URL);
  const refused = () =>
    systemError('ECONNREFUSED', `connect ECONNREFUSED 127.0.0.1:${warehouse.port || '5432'}`);

  it('names the server and the setting that points at it', () => {
    const explained = explainUnreachable(new Error('run failed', { cause: refused() }), cfg);
    expect(explained?.message).toMatch(
      /^the warehouse \(DWH_URL\) at 127\.0\.0\.1:\d+ cannot be reached: ECONNREFUSED$/,
    );
  });

  it('leaves a connection the run already explained as broken half-way to the run', () => {
    const lost = new ConnectionLostError('the connection to the warehouse (DWH_URL) broke during the run', {
      cause: systemError('ECONNRESET', `connect ECONNRESET 127.0.0.1:${warehouse.port || '5432'}`),
    });
    expect(explainUnreachable(lost, cfg)).toBeUndefined();
  });
});
