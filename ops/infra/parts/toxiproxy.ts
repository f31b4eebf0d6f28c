import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { CACHE_DIR, LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { goInstall } from '../go.ts';
import { httpOk } from '../net.ts';
import type { InfraPart } from '../part.ts';

/**
 * Shopify's Toxiproxy: a TCP proxy whose faults (latency, reset, bandwidth, timeout…) are switched on
 * and off over an HTTP API. The fault suite (tests/faults/) puts one in front of PostgreSQL or
 * MariaDB per test, each with proxies of its own (docs/decisions/0019-toxiproxy.md). It starts with
 * no proxies: a proxy lives only as long as the test that made it.
 */
const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
const TOXIPROXY_VERSION = '2.5.0';
const TOXIPROXY_BIN_DIR = join(CACHE_DIR, 'toxiproxy', `v${TOXIPROXY_VERSION}`, 'bin');
/** `go install` names the binary after its package directory, `cmd/server`. */
const TOXIPROXY_BIN = join(TOXIPROXY_BIN_DIR, 'server');
const TOXIPROXY_HOST = '127.0.0.1';
const TOXIPROXY_API_PORT = 8474;
const TOXIPROXY_HOME = join(STATE_DIR, 'toxiproxy');

export const toxiproxyPart: InfraPart = {
  name: 'toxiproxy',
  address: `${TOXIPROXY_HOST}:${TOXIPROXY_API_PORT}`,
  startTimeoutSeconds: 30,

  async isInstalled() {
    return existsSync(TOXIPROXY_BIN);
  },

  async install(ctx) {
    await goInstall(
      {
        module: TOXIPROXY_MODULE,
        version: `v${TOXIPROXY_VERSION}`,
        binDir: TOXIPROXY_BIN_DIR,
        // Without it `-version` says "git": the release build stamps the version the same way.
        ldflags: `-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION}`,
      },
      ctx.log,
    );
  },

  async start() {
    mkdirSync(TOXIPROXY_HOME, { recursive: true });
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached(TOXIPROXY_BIN, ['-host', TOXIPROXY_HOST, '-port', String(TOXIPROXY_API_PORT)], {
      logFile: join(LOG_DIR, 'toxiproxy.log'),
      cwd: TOXIPROXY_HOME,
    });
  },

  async isHealthy() {
    return httpOk(`http://${TOXIPROXY_HOST}:${TOXIPROXY_API_PORT}/version`);
  },

  async version() {
    if (!existsSync(TOXIPROXY_BIN)) return undefined;
    const out = await exec(TOXIPROXY_BIN, ['-version'], { allowFailure: true });
    // "toxiproxy-server version 2.5.0"
    return out.stdout.match(/version (\S+)/)?.[1];
  },
};
