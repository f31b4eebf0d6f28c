import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { aptInstall } from '../apt.ts';
import { httpOk } from '../net.ts';
import type { InfraPart } from '../part.ts';
import { ownedDir, systemUser } from '../system-user.ts';

const PUSHGATEWAY_BIN = '/usr/bin/prometheus-pushgateway';
const PUSHGATEWAY_ADDRESS = '127.0.0.1:9091';
const PUSHGATEWAY_HOME = join(STATE_DIR, 'pushgateway');

/**
 * Prometheus's Pushgateway from Debian: where a `--local` run, which ends before any scrape, leaves
 * its figures for Prometheus (docs/decisions/0013-local-run-metrics-push.md). Its groups are kept in
 * a file across restarts, so a run's last push survives the gateway.
 */
export const pushgatewayPart: InfraPart = {
  name: 'pushgateway',
  address: PUSHGATEWAY_ADDRESS,
  startTimeoutSeconds: 30,

  async isInstalled() {
    return existsSync(PUSHGATEWAY_BIN);
  },

  async install(ctx) {
    await aptInstall(['prometheus-pushgateway'], ctx.log);
    // Like Prometheus: the packaged service must not hold the port where systemd runs.
    if (existsSync('/run/systemd/system'))
      await exec('systemctl', ['disable', '--now', 'prometheus-pushgateway.service'], { allowFailure: true });
  },

  async start() {
    const user = await systemUser('prometheus');
    ownedDir(PUSHGATEWAY_HOME, user);
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached(
      PUSHGATEWAY_BIN,
      [
        `--web.listen-address=${PUSHGATEWAY_ADDRESS}`,
        `--persistence.file=${join(PUSHGATEWAY_HOME, 'groups.db')}`,
        '--persistence.interval=30s',
      ],
      { logFile: join(LOG_DIR, 'pushgateway.log'), uid: user.uid, gid: user.gid, cwd: PUSHGATEWAY_HOME },
    );
  },

  async isHealthy() {
    return httpOk(`http://${PUSHGATEWAY_ADDRESS}/-/ready`);
  },

  async version() {
    if (!existsSync(PUSHGATEWAY_BIN)) return undefined;
    const out = await exec(PUSHGATEWAY_BIN, ['--version'], { allowFailure: true });
    return `${out.stdout}${out.stderr}`.match(/version (\S+)/)?.[1];
  },
};
