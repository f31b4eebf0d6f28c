import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, REPO_ROOT, STATE_DIR } from '../../../core/paths.ts';
import { aptInstall } from '../apt.ts';
import { httpOk } from '../net.ts';
import type { InfraPart } from '../part.ts';
import { ownedDir, systemUser } from '../system-user.ts';

const PROMETHEUS_BIN = '/usr/bin/prometheus';
const PROMETHEUS_ADDRESS = '127.0.0.1:9090';
const PROMETHEUS_CONFIG = join(REPO_ROOT, 'ops/prometheus/prometheus.yml');
const PROMETHEUS_HOME = join(STATE_DIR, 'prometheus');
const PROMETHEUS_DATA = join(PROMETHEUS_HOME, 'data');

/**
 * Debian's package starts its own service on installation; on these machines policy-rc.d and
 * RUNLEVEL=1 (see apt.ts) keep it from starting, and where systemd runs the unit is also disabled so
 * that a reboot does not bring a second Prometheus onto port 9090.
 */
async function disablePackagedService(): Promise<void> {
  if (!existsSync('/run/systemd/system')) return;
  await exec('systemctl', ['disable', '--now', 'prometheus.service'], { allowFailure: true });
}

export const prometheusPart: InfraPart = {
  name: 'prometheus',
  address: PROMETHEUS_ADDRESS,
  startTimeoutSeconds: 60,

  async isInstalled() {
    return existsSync(PROMETHEUS_BIN);
  },

  async install(ctx) {
    await aptInstall(['prometheus'], ctx.log);
    await disablePackagedService();
  },

  async start() {
    // Runs as the package's own account, like the databases; the configuration is copied next to
    // the data so that account can read it wherever the repository is checked out.
    const user = await systemUser('prometheus');
    ownedDir(PROMETHEUS_HOME, user);
    ownedDir(PROMETHEUS_DATA, user);
    const config = join(PROMETHEUS_HOME, 'prometheus.yml');
    copyFileSync(PROMETHEUS_CONFIG, config);
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached(
      PROMETHEUS_BIN,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${PROMETHEUS_DATA}`,
        `--web.listen-address=${PROMETHEUS_ADDRESS}`,
        '--storage.tsdb.retention.time=15d',
        // POST /-/reload picks up a changed scrape list without a restart.
        '--web.enable-lifecycle',
      ],
      { logFile: join(LOG_DIR, 'prometheus.log'), uid: user.uid, gid: user.gid, cwd: PROMETHEUS_HOME },
    );
  },

  async isHealthy() {
    return httpOk(`http://${PROMETHEUS_ADDRESS}/-/ready`);
  },

  async version() {
    if (!existsSync(PROMETHEUS_BIN)) return undefined;
    const out = await exec(PROMETHEUS_BIN, ['--version'], { allowFailure: true });
    // "prometheus, version 2.42.0+ds (branch: …)" on stderr or stdout depending on the build
    return `${out.stdout}${out.stderr}`.match(/version (\S+)/)?.[1];
  },
};
