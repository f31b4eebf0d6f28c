import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_DATABASES, sourceUrl } from '../../../core/config.ts';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, STATE_DIR } from '../../../core/paths.ts';
import { aptInstall } from '../apt.ts';
import type { InfraContext, InfraPart } from '../part.ts';
import { ownedDir, systemUser } from '../system-user.ts';

const MARIADB_ADDRESS = '127.0.0.1:3306';
const MARIADB_HOME = join(STATE_DIR, 'mariadb');
const MARIADB_DATA = join(MARIADB_HOME, 'data');
export const MARIADB_SOCKET = join(MARIADB_HOME, 'mysqld.sock');
const MARIADB_CNF = join(MARIADB_HOME, 'my.cnf');

/**
 * The server configuration. The binlog settings are those Debezium needs for CDC (row events with
 * full images, a server id, strict GTIDs); the clock is UTC so `NOW(6)` and DATETIME agree with the
 * warehouse; durability is relaxed to one flush a second because these are local demo sources.
 */
function serverConfig(): string {
  return `[mariadbd]
datadir = ${MARIADB_DATA}
socket = ${MARIADB_SOCKET}
pid-file = ${join(MARIADB_HOME, 'mariadbd.pid')}
bind-address = 127.0.0.1
port = 3306
default-time-zone = '+00:00'
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
skip-name-resolve
max_connections = 300
max_allowed_packet = 256M
local_infile = 1
innodb_buffer_pool_size = 2G
innodb_log_file_size = 512M
innodb_flush_log_at_trx_commit = 2
server_id = 1
log_bin = ${join(MARIADB_DATA, 'binlog')}
binlog_format = ROW
binlog_row_image = FULL
binlog_expire_logs_seconds = 259200
gtid_strict_mode = ON
log_slave_updates = ON
`;
}

async function rootSql(sql: string): Promise<string> {
  const result = await exec('mariadb', ['--socket', MARIADB_SOCKET, '-u', 'root', '-N', '-B', '-e', sql]);
  return result.stdout.trim();
}

const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export const mariadbPart: InfraPart = {
  name: 'mariadb',
  address: MARIADB_ADDRESS,

  async isInstalled() {
    return existsSync('/usr/sbin/mariadbd') && existsSync('/usr/bin/mariadb');
  },

  async install(ctx) {
    await aptInstall(['mariadb-server', 'mariadb-client'], ctx.log);
  },

  async start(ctx) {
    const user = await systemUser('mysql');
    ownedDir(MARIADB_HOME, user);
    writeFileSync(MARIADB_CNF, serverConfig());
    if (!existsSync(join(MARIADB_DATA, 'mysql'))) {
      ctx.log(`  mariadb-install-db ${MARIADB_DATA}`);
      ownedDir(MARIADB_DATA, user);
      await exec('mariadb-install-db', [
        `--defaults-file=${MARIADB_CNF}`,
        '--user=mysql',
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
      ]);
    }
    mkdirSync(LOG_DIR, { recursive: true });
    return spawnDetached('/usr/sbin/mariadbd', [`--defaults-file=${MARIADB_CNF}`], {
      logFile: join(LOG_DIR, 'mariadb.log'),
      uid: user.uid,
      gid: user.gid,
      cwd: MARIADB_HOME,
    });
  },

  startSettings() {
    return serverConfig();
  },

  async isHealthy() {
    const result = await exec(
      'mariadb-admin',
      ['--socket', MARIADB_SOCKET, '-u', 'root', '--connect-timeout=2', 'ping'],
      { allowFailure: true },
    );
    return result.code === 0;
  },

  async bootstrap(ctx: InfraContext) {
    const statements: string[] = [];
    const owners = new Map<string, { password: string; databases: string[] }>();
    for (const db of SOURCE_DATABASES) {
      const url = new URL(sourceUrl(ctx.config, db));
      const database = url.pathname.slice(1);
      statements.push(`create database if not exists \`${database}\` character set utf8mb4`);
      const user = decodeURIComponent(url.username);
      const entry = owners.get(user) ?? { password: decodeURIComponent(url.password), databases: [] };
      entry.databases.push(database);
      owners.set(user, entry);
    }
    for (const [user, { password }] of owners) {
      statements.push(
        `create user if not exists ${quote(user)}@'%' identified by ${quote(password)}`,
        `alter user ${quote(user)}@'%' identified by ${quote(password)}`,
        // The owner account also creates scratch databases for the test suites.
        `grant all privileges on *.* to ${quote(user)}@'%' with grant option`,
      );
    }
    const reader = ctx.config.ETL_SOURCE_USER;
    statements.push(
      `create user if not exists ${quote(reader)}@'%' identified by ${quote(ctx.config.ETL_SOURCE_PASSWORD)}`,
      `alter user ${quote(reader)}@'%' identified by ${quote(ctx.config.ETL_SOURCE_PASSWORD)}`,
      `grant replication slave, replication client on *.* to ${quote(reader)}@'%'`,
    );
    for (const { databases } of owners.values()) {
      for (const database of databases) {
        statements.push(`grant select on \`${database}\`.* to ${quote(reader)}@'%'`);
      }
    }
    await rootSql(`${statements.join(';\n')};`);
  },

  async version() {
    if (!existsSync('/usr/sbin/mariadbd')) return undefined;
    const out = await exec('/usr/sbin/mariadbd', ['--version'], { allowFailure: true });
    return out.stdout.match(/Ver (\S+)/)?.[1];
  },
};
