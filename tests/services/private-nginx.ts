import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isPortOpen, waitFor } from '../../ops/infra/net.ts';
import { NGINX_BIN, writeNginxConfig } from '../../ops/nginx/render.ts';

/** A free port now (the kernel's pick); nginx takes it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateNginx {
  httpsPort: number;
  httpPort: number;
  /** The self-signed certificate, for clients to trust. */
  certificate: Buffer;
  accessLog: string;
  stop(): Promise<void>;
}

/**
 * An nginx of this test's own, from the same template and renderer as the infra part, on free ports
 * and in front of this test's gateway: CI needs nothing fixed (not even port 443) to be free.
 */
export async function startPrivateNginx(gatewayUrl: string, home: string): Promise<PrivateNginx> {
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const config = await writeNginxConfig({
    gatewayUpstream: new URL(gatewayUrl).host,
    httpsPort,
    httpPort,
    home,
    ...(process.getuid?.() === 0 ? { workerUser: 'www-data' } : {}),
  });
  const child: ChildProcess = spawn(NGINX_BIN, ['-c', config, '-g', 'daemon off;'], { stdio: 'inherit' });
  if (!(await waitFor(() => isPortOpen(`127.0.0.1:${httpsPort}`), 20)))
    throw new Error('private nginx did not start');
  return {
    httpsPort,
    httpPort,
    certificate: readFileSync(join(home, 'certs/tls.crt')),
    accessLog: join(home, 'logs/access.log'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
