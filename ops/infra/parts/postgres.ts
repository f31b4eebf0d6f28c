import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { aptInstall } from '../apt.ts';
import type { InfraPart } from '../part.ts';
import { ownedDir, systemUser } from '../system-user.ts';

const PG_MAJOR = 15;
const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;
const PG_ADDRESS = '127.0.0.1:5432';
const PG_HOME = join(STATE_DIR, 'postgres');
const PG_DATA = join(PG_HOME, 'data');
const PG_SOCKET_DIR = join(PG_HOME, 'socket');

/**
 * Server settings for a warehouse on a 2-core, 24 GiB machine: bulk COPY and merges want large
 * buffers and rare checkpoints; durability stays on (fsync, full_page_writes) because a run that
 * dies must lose nothing. wal_level = minimal: a table or index created (or truncated) in a
 * transaction is then written without WAL and synced at commit, which halves the cost of a first
 * load's index builds and fact insert (docs/decisions/0006-first-loads-adopt-their-batches.md). The price: no streaming
 * replicas or point-in-time recovery of the warehouse, which is rebuilt from the sources; set
 * wal_level = replica and max_wal_senders > 0 here to have them.
 */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  port: '5432',
  unix_socket_directories: PG_SOCKET_DIR,
  max_connections: '200',
  shared_buffers: '2GB',
  work_mem: '128MB',
  maintenance_work_mem: '1GB',
  effective_cache_size: '12GB',
  // data in memory or on SSD: a random page costs little more than a sequential one
  random_page_cost: '1.1',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  wal_compression: 'on',
  wal_level: 'minimal',
  max_wal_senders: '0',
  timezone: 'UTC',
  log_timezone: 'UTC',
  // a session whose client died (a killed run) ends within a second even inside a long statement,
  // instead of finishing it first while still holding the run's locks
  client_connection_check_interval: '1s',
};

async function superuserSql(sql: string): Promise<string> {
  const result = await exec('runuser', [
    '-u',
    'postgres',
    '--',
    `${PG_BIN}/psql`,
    '-h',
    PG_SOCKET_DIR,
    '-p',
    '5432',
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-Atc',
    sql,
  ]);
  return result.stdout.trim();
}

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
const quoteIdent = (value: string) => `"${value.replaceAll('"', '""')}"`;

export const postgresPart: InfraPart = {
  name: 'postgres',
  address: PG_ADDRESS,
  stopSignal: 'SIGINT', // "fast" shutdown: SIGTERM would wait for every client to leave

  async isInstalled() {
    return existsSync(`${PG_BIN}/postgres`);
  },

  async install(ctx) {
    await aptInstall([`postgresql-${PG_MAJOR}`, `postgresql-client-${PG_MAJOR}`], ctx.log);
  },

  async start(ctx) {
    const user = await systemUser('postgres');
    ownedDir(PG_HOME, user);
    ownedDir(PG_SOCKET_DIR, user);
    if (!existsSync(join(PG_DATA, 'PG_VERSION'))) {
      ctx.log(`  initdb ${PG_DATA}`);
      ownedDir(PG_DATA, user);
      await exec('runuser', [
        '-u',
        'postgres',
        '--',
        `${PG_BIN}/initdb`,
        '-D',
        PG_DATA,
        '-U',
        'postgres',
        '--auth-local=peer',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ]);
    }
    mkdirSync(LOG_DIR, { recursive: true });
    const args = ['-D', PG_DATA, ...Object.entries(SERVER_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    return spawnDetached(`${PG_BIN}/postgres`, args, {
      logFile: join(LOG_DIR, 'postgres.log'),
      uid: user.uid,
      gid: user.gid,
      cwd: PG_HOME,
    });
  },

  startSettings() {
    return JSON.stringify(SERVER_SETTINGS);
  },

  async isHealthy() {
    const result = await exec(`${PG_BIN}/pg_isready`, ['-h', '127.0.0.1', '-p', '5432', '-t', '2'], {
      allowFailure: true,
    });
    return result.code === 0;
  },

  async bootstrap(ctx) {
    const url = new URL(ctx.config.DWH_URL);
    const role = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const database = url.pathname.slice(1);
    const exists = await superuserSql(`select 1 from pg_roles where rolname = ${quoteLiteral(role)}`);
    const verb = exists === '1' ? 'alter' : 'create';
    await superuserSql(
      `${verb} role ${quoteIdent(role)} with login createdb createrole password ${quoteLiteral(password)}`,
    );
    // Dropping a scratch database WITH (FORCE) must be able to end autovacuum workers inside it.
    await superuserSql(`grant pg_signal_backend to ${quoteIdent(role)}`);
    const dbExists = await superuserSql(
      `select 1 from pg_database where datname = ${quoteLiteral(database)}`,
    );
    if (dbExists !== '1') {
      ctx.log(`  create database ${database}`);
      await superuserSql(`create database ${quoteIdent(database)} owner ${quoteIdent(role)}`);
    }
    // The ETL checks its own connection works as configured, not only the superuser's.
    const client = new pg.Client({ connectionString: ctx.config.DWH_URL });
    await client.connect();
    await client.end();
  },

  async version() {
    if (!existsSync(`${PG_BIN}/postgres`)) return undefined;
    const out = await exec(`${PG_BIN}/postgres`, ['--version'], { allowFailure: true });
    return out.stdout.trim().replace(/^postgres \(PostgreSQL\) /, '') || undefined;
  },
};
