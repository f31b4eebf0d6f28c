import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { NGINX_BIN, templateDigest, writeNginxConfig } from '../../nginx/render.ts';
import { aptInstall } from '../apt.ts';
import { isPortOpen } from '../net.ts';
import type { InfraPart } from '../part.ts';

const NGINX_HOME = join(STATE_DIR, 'nginx');
/** The self-signed certificate nginx serves: what a local client trusts (as `ca`) to reach it. */
export const NGINX_CERTIFICATE = join(NGINX_HOME, 'certs', 'tls.crt');
const HTTPS_PORT = 443;
const HTTP_PORT = 80;
/** The gateway's address (DESIGN.md 1); nginx starts without it and answers 502 until it is up. */
const GATEWAY_UPSTREAM = '127.0.0.1:8080';

/** As for Prometheus: where systemd runs, the package's own unit must not take ports 80 and 443. */
async function disablePackagedService(): Promise<void> {
  if (!existsSync('/run/systemd/system')) return;
  await exec('systemctl', ['disable', '--now', 'nginx.service'], { allowFailure: true });
}

/**
 * nginx from Debian's package, TLS on 443 with a self-signed certificate made on first start,
 * port 80 redirecting, proxying to the gateway: the same site template docker-compose uses.
 */
export const nginxPart: InfraPart = {
  name: 'nginx',
  address: `127.0.0.1:${HTTPS_PORT}`,
  startTimeoutSeconds: 30,
  // SIGQUIT lets workers finish the requests they are serving.
  stopSignal: 'SIGQUIT',

  async isInstalled() {
    return existsSync(NGINX_BIN);
  },

  async install(ctx) {
    await aptInstall(['nginx'], ctx.log);
    await disablePackagedService();
  },

  async start() {
    const config = await writeNginxConfig({
      gatewayUpstream: GATEWAY_UPSTREAM,
      httpsPort: HTTPS_PORT,
      httpPort: HTTP_PORT,
      home: NGINX_HOME,
      ...(process.getuid?.() === 0 ? { workerUser: 'www-data' } : {}),
    });
    return spawnDetached(NGINX_BIN, ['-c', config, '-g', 'daemon off;'], {
      logFile: join(LOG_DIR, 'nginx.log'),
    });
  },

  async isHealthy() {
    return isPortOpen(`127.0.0.1:${HTTPS_PORT}`);
  },

  startSettings() {
    return `gateway=${GATEWAY_UPSTREAM} https=${HTTPS_PORT} http=${HTTP_PORT} template=${templateDigest()}`;
  },

  async version() {
    if (!existsSync(NGINX_BIN)) return undefined;
    const out = await exec(NGINX_BIN, ['-v'], { allowFailure: true });
    return `${out.stdout}${out.stderr}`.match(/nginx\/(\S+)/)?.[1];
  },
};
