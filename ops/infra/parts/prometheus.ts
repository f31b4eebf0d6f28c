import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, REPO_ROOT, STATE_DIR } from '../../../core/paths.ts';
import { aptInstall } from '../apt.ts';
import { httpOk } from '../net.ts';
import type { InfraContext, InfraPart } from '../part.ts';
import { ownedDir, systemUser } from '../system-user.ts';

const PROMETHEUS_BIN = '/usr/bin/prometheus';
const PROMETHEUS_ADDRESS = '127.0.0.1:9090';
const PROMETHEUS_SOURCE = join(REPO_ROOT, 'ops/prometheus');
const PROMETHEUS_HOME = join(STATE_DIR, 'prometheus');
const PROMETHEUS_DATA = join(PROMETHEUS_HOME, 'data');
/**
 * What Prometheus reads beside its configuration, copied next to the data so its account can read
 * them wherever the repository is checked out: alert rules, console templates (served at
 * /consoles/, found relative to the working directory by default) and their libraries.
 */
const PROMETHEUS_ASSETS = ['prometheus.yml', 'rules', 'consoles', 'console_libraries'] as const;
/** Targets registered at run time by file (file_sd): processes outside the fixed port plan, e.g. tests. */
export const PROMETHEUS_TARGETS_DIR = join(PROMETHEUS_HOME, 'targets');

/** A snapshot of the assets' text, to tell whether a copy changed anything. */
function assetsText(root: string): string {
  const read = (path: string): string => {
    if (!existsSync(path)) return '';
    try {
      return readdirSync(path)
        .sort()
        .map((name) => `${name}\n${read(join(path, name))}`)
        .join('\n');
    } catch {
      return readFileSync(path, 'utf8');
    }
  };
  return PROMETHEUS_ASSETS.map((name) => read(join(root, name))).join('\n');
}

/** Copies the assets into Prometheus's home; true when they differ from what was there. */
function installAssets(): boolean {
  const before = assetsText(PROMETHEUS_HOME);
  for (const name of PROMETHEUS_ASSETS) {
    rmSync(join(PROMETHEUS_HOME, name), { recursive: true, force: true });
    cpSync(join(PROMETHEUS_SOURCE, name), join(PROMETHEUS_HOME, name), { recursive: true });
  }
  mkdirSync(PROMETHEUS_TARGETS_DIR, { recursive: true, mode: 0o755 });
  return assetsText(PROMETHEUS_HOME) !== before;
}

/**
 * Debian's package starts its own service on installation; on these machines policy-rc.d and
 * RUNLEVEL=1 (see apt.ts) keep it from starting, and where systemd runs the unit is also disabled so
 * that a reboot does not bring a second Prometheus onto port 9090.
 */
async function disablePackagedService(): Promise<void> {
  if (!existsSync('/run/systemd/system')) return;
  await exec('systemctl', ['disable', '--now', 'prometheus.service'], { allowFailure: true });
}

/**
 * A Prometheus started before the console flags existed serves no overview page; it is shared, so
 * it is not restarted behind its users' backs: the operator is told once per `up`.
 */
async function warnWithoutConsoles(ctx: InfraContext): Promise<void> {
  const response = await fetch(`http://${PROMETHEUS_ADDRESS}/api/v1/status/flags`).catch(() => undefined);
  if (!response?.ok) return;
  const flags = ((await response.json()) as { data: Record<string, string> }).data;
  if (flags['web.console.templates'] === join(PROMETHEUS_HOME, 'consoles')) return;
  ctx.log(
    '  prometheus: started before its console pages; /consoles/techmarket.html appears after a restart ' +
      '(infra down --parts prometheus, then infra up)',
  );
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
    // Runs as the package's own account, like the databases.
    const user = await systemUser('prometheus');
    ownedDir(PROMETHEUS_HOME, user);
    ownedDir(PROMETHEUS_DATA, user);
    installAssets();
    const config = join(PROMETHEUS_HOME, 'prometheus.yml');
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
        // The operator overview (ops/prometheus/consoles/techmarket.html); Debian's default is /etc.
        `--web.console.templates=${join(PROMETHEUS_HOME, 'consoles')}`,
        `--web.console.libraries=${join(PROMETHEUS_HOME, 'console_libraries')}`,
      ],
      { logFile: join(LOG_DIR, 'prometheus.log'), uid: user.uid, gid: user.gid, cwd: PROMETHEUS_HOME },
    );
  },

  async isHealthy() {
    return httpOk(`http://${PROMETHEUS_ADDRESS}/-/ready`);
  },

  /**
   * A running Prometheus takes changed rules, scrape lists and consoles by reload, not restart: it
   * is shared, and a restart would cost it its rule states (pending alerts start over).
   */
  async bootstrap(ctx) {
    await warnWithoutConsoles(ctx);
    if (!installAssets()) return;
    const response = await fetch(`http://${PROMETHEUS_ADDRESS}/-/reload`, { method: 'POST' });
    if (!response.ok) throw new Error(`Prometheus refused its new configuration: ${await response.text()}`);
    ctx.log('  prometheus: configuration, rules and consoles reloaded');
  },

  async version() {
    if (!existsSync(PROMETHEUS_BIN)) return undefined;
    const out = await exec(PROMETHEUS_BIN, ['--version'], { allowFailure: true });
    // "prometheus, version 2.42.0+ds (branch: …)" on stderr or stdout depending on the build
    return `${out.stdout}${out.stderr}`.match(/version (\S+)/)?.[1];
  },
};
