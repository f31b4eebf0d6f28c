import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { CACHE_DIR, LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { ensureJvmTools, fetchArtifact } from '../maven.ts';
import { httpOk } from '../net.ts';
import type { InfraPart } from '../part.ts';
import { ensureSystemUser, ownedDir } from '../system-user.ts';

/**
 * OpenSearch's minimal distribution, as Maven Central serves it: the integration-test zip of 2.x,
 * the server with its transport module and no plugins (so no security plugin: it listens on
 * loopback only). 2.19 is the newest line that runs on the machine's Java 17.
 */
const OPENSEARCH_VERSION = '2.19.6';
const OPENSEARCH_ARTIFACT = `org.opensearch.distribution.integ-test-zip:opensearch:${OPENSEARCH_VERSION}:zip`;
export const OPENSEARCH_ADDRESS = '127.0.0.1:9200';
/** Node-to-node transport: one node, loopback only, but it still binds a port. */
const OPENSEARCH_TRANSPORT_PORT = 9300;
const OPENSEARCH_USER = 'techmarket-opensearch';
const OPENSEARCH_HOME = join(STATE_DIR, 'opensearch');
/** Unpacked under the state folder, not the cache: the cache is root's and the server is not. */
const OPENSEARCH_DIST = join(OPENSEARCH_HOME, `opensearch-${OPENSEARCH_VERSION}`);
const OPENSEARCH_CONFIG = join(OPENSEARCH_HOME, 'config');
const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
/** Logs of a few processes need little; the machine is shared. */
const OPENSEARCH_HEAP = '512m';
/** The index template every log index gets (`techmarket-logs-YYYY-MM-DD`, see core/log-shipping.ts). */
export const LOG_INDEX_TEMPLATE = 'techmarket-logs';

function opensearchYml(): string {
  return `cluster.name: techmarket-logs
node.name: techmarket-1
path.data: ${join(OPENSEARCH_HOME, 'data')}
path.logs: ${join(OPENSEARCH_HOME, 'logs')}
network.host: 127.0.0.1
http.port: ${OPENSEARCH_ADDRESS.split(':')[1]}
transport.port: ${OPENSEARCH_TRANSPORT_PORT}
discovery.type: single-node
# A shared build machine's disk fills up now and then: logs must not turn read-only for it.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
`;
}

/**
 * Log documents as the pino transport writes them: pino's numeric levels, the ids a line is found by
 * as keywords (etlRunId, workflowId, requestId), the time as a date. Other strings (urls, routes,
 * table names) are keywords only: OpenSearch's default maps each as full text plus a keyword, which
 * doubled the indexing a busy service's access lines cost, and `techmarket logs` matches exact values
 * only. One shard, no replica: one node.
 */
const INDEX_TEMPLATE = {
  index_patterns: [`${LOG_INDEX_TEMPLATE}-*`],
  template: {
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
    mappings: {
      dynamic_templates: [
        {
          strings_as_keywords: {
            match_mapping_type: 'string',
            mapping: { type: 'keyword', ignore_above: 2048 },
          },
        },
      ],
      properties: {
        time: { type: 'date' },
        level: { type: 'integer' },
        msg: { type: 'text' },
        process: { type: 'keyword' },
        component: { type: 'keyword' },
        activity: { type: 'keyword' },
        etlRunId: { type: 'keyword' },
        workflowId: { type: 'keyword' },
        requestId: { type: 'keyword' },
        service: { type: 'keyword' },
        hostname: { type: 'keyword' },
        pid: { type: 'integer' },
      },
    },
  },
};

export const opensearchPart: InfraPart = {
  name: 'opensearch',
  address: OPENSEARCH_ADDRESS,
  startTimeoutSeconds: 120,

  async isInstalled() {
    return existsSync(join(OPENSEARCH_DIST, 'bin', 'opensearch'));
  },

  async install(ctx) {
    await ensureJvmTools(ctx.log);
    const downloads = join(CACHE_DIR, 'opensearch');
    await fetchArtifact(OPENSEARCH_ARTIFACT, downloads, ctx.log);
    const zip = readdirSync(downloads).find((name) => name.endsWith(`${OPENSEARCH_VERSION}.zip`));
    if (!zip) throw new Error(`the OpenSearch ${OPENSEARCH_VERSION} zip is not in ${downloads}`);
    mkdirSync(OPENSEARCH_HOME, { recursive: true, mode: 0o755 });
    // Unpacked beside and renamed, so an interrupted install never looks complete.
    const partial = `${OPENSEARCH_DIST}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial);
    await exec('unzip', ['-q', join(downloads, zip), '-d', partial]);
    renameSync(join(partial, `opensearch-${OPENSEARCH_VERSION}`), OPENSEARCH_DIST);
    rmSync(partial, { recursive: true, force: true });
  },

  async start() {
    // OpenSearch refuses to run as root.
    const user = await ensureSystemUser(OPENSEARCH_USER);
    ownedDir(join(OPENSEARCH_HOME, 'data'), user);
    ownedDir(join(OPENSEARCH_HOME, 'logs'), user);
    // The launcher runs from the distribution's folder and writes its GC log to logs/ there.
    ownedDir(join(OPENSEARCH_DIST, 'logs'), user);
    // The configuration folder must be the server's: it writes its keystore there on first start.
    ownedDir(OPENSEARCH_CONFIG, user);
    for (const file of ['jvm.options', 'log4j2.properties'])
      if (!existsSync(join(OPENSEARCH_CONFIG, file)))
        await exec('cp', [join(OPENSEARCH_DIST, 'config', file), join(OPENSEARCH_CONFIG, file)]);
    mkdirSync(join(OPENSEARCH_CONFIG, 'jvm.options.d'), { recursive: true });
    writeFileSync(join(OPENSEARCH_CONFIG, 'opensearch.yml'), opensearchYml());
    await exec('chown', ['-R', `${user.uid}:${user.gid}`, OPENSEARCH_CONFIG]);
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached(join(OPENSEARCH_DIST, 'bin', 'opensearch'), [], {
      logFile: join(LOG_DIR, 'opensearch.log'),
      env: {
        PATH: process.env.PATH,
        OPENSEARCH_PATH_CONF: OPENSEARCH_CONFIG,
        OPENSEARCH_JAVA_HOME: JAVA_HOME,
        OPENSEARCH_JAVA_OPTS: `-Xms${OPENSEARCH_HEAP} -Xmx${OPENSEARCH_HEAP}`,
      },
      uid: user.uid,
      gid: user.gid,
      cwd: OPENSEARCH_HOME,
    });
  },

  async isHealthy() {
    return httpOk(`http://${OPENSEARCH_ADDRESS}/_cluster/health?wait_for_status=yellow&timeout=1s`);
  },

  async bootstrap() {
    const response = await fetch(`http://${OPENSEARCH_ADDRESS}/_index_template/${LOG_INDEX_TEMPLATE}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(INDEX_TEMPLATE),
    });
    if (!response.ok) throw new Error(`OpenSearch refused the log index template: ${await response.text()}`);
  },

  async version() {
    return existsSync(OPENSEARCH_DIST) ? OPENSEARCH_VERSION : undefined;
  },
};
