import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { CACHE_DIR, LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { goInstall } from '../go.ts';
import { httpOk } from '../net.ts';
import type { InfraPart } from '../part.ts';

/**
 * The Temporal CLI's development server: frontend, history, matching and the Web UI in one binary.
 * v1.5.1 embeds server 1.29.1 and UI 2.42.1; it is the newest release whose go.mod has no `replace`
 * directive (from v1.6.0 on `go install …@version` refuses it), and it needs Go 1.25.
 */
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const TEMPORAL_CLI_VERSION = '1.5.1';
const TEMPORAL_BIN_DIR = join(CACHE_DIR, 'temporal', `v${TEMPORAL_CLI_VERSION}`, 'bin');
const TEMPORAL_BIN = join(TEMPORAL_BIN_DIR, 'temporal');
const TEMPORAL_HOST = '127.0.0.1';
const TEMPORAL_GRPC_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;
const TEMPORAL_HOME = join(STATE_DIR, 'temporal');
/** SQLite file: workflows, schedules and namespaces survive a restart of the dev server. */
const TEMPORAL_DB = join(TEMPORAL_HOME, 'temporal.db');

export const temporalPart: InfraPart = {
  name: 'temporal',
  address: `${TEMPORAL_HOST}:${TEMPORAL_GRPC_PORT}`,
  startTimeoutSeconds: 120,

  async isInstalled() {
    return existsSync(TEMPORAL_BIN);
  },

  async install(ctx) {
    await goInstall(
      {
        module: TEMPORAL_CLI_MODULE,
        version: `v${TEMPORAL_CLI_VERSION}`,
        binDir: TEMPORAL_BIN_DIR,
        // `go install` does not stamp the release version the way the project's own builds do.
        ldflags: `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      },
      ctx.log,
    );
  },

  async start() {
    mkdirSync(TEMPORAL_HOME, { recursive: true });
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached(
      TEMPORAL_BIN,
      [
        'server',
        'start-dev',
        '--ip',
        TEMPORAL_HOST, // the UI and the helper ports follow --ip, so nothing listens beyond loopback
        '--port',
        String(TEMPORAL_GRPC_PORT),
        '--ui-port',
        String(TEMPORAL_UI_PORT),
        '--db-filename',
        TEMPORAL_DB,
        '--log-format',
        'json',
        '--log-level',
        'warn',
        // An operator's ~/.config/temporalio profile must not change how the platform's server runs.
        '--disable-config-file',
        '--disable-config-env',
      ],
      { logFile: join(LOG_DIR, 'temporal.log'), cwd: TEMPORAL_HOME },
    );
  },

  /**
   * Asking the UI server for the `default` namespace checks the UI, the gRPC frontend behind it and
   * the namespace the platform uses (the dev server creates it at first start) in one request.
   */
  async isHealthy() {
    return httpOk(`http://${TEMPORAL_HOST}:${TEMPORAL_UI_PORT}/api/v1/namespaces/default`);
  },

  async version() {
    if (!existsSync(TEMPORAL_BIN)) return undefined;
    const out = await exec(TEMPORAL_BIN, ['--version'], { allowFailure: true });
    // "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
    return out.stdout.trim().replace(/^temporal version /, '') || undefined;
  },
};
