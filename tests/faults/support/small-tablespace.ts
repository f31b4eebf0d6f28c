import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../../../core/exec.ts';
import { STATE_DIR } from '../../../core/paths.ts';

const PG_PSQL = '/usr/lib/postgresql/15/bin/psql';
/** Where ops/infra/parts/postgres.ts puts the server's socket: the superuser logs in through it. */
const PG_SOCKET_DIR = join(STATE_DIR, 'postgres', 'socket');

/** SQL as the postgres superuser (tablespaces are the superuser's), as ops/infra/parts/postgres.ts does. */
async function superuserSql(sql: string): Promise<void> {
  await exec('runuser', [
    '-u',
    'postgres',
    '--',
    PG_PSQL,
    '-h',
    PG_SOCKET_DIR,
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-Atc',
    sql,
  ]);
}

/**
 * A real "disk full" for one scratch warehouse without touching the shared server's own disk: a
 * tablespace on a tmpfs of `sizeKiB`, made the database's default, so the tables a run creates fill
 * it and PostgreSQL fails with "could not extend file …: No space left on device". Needs root (mount,
 * runuser), as the suite's servers do. `release()` points the database back at its normal
 * tablespace; `remove()` drops the tablespace and unmounts (after the database or its tables in it
 * are gone).
 */
export interface SmallTablespace {
  name: string;
  release(): Promise<void>;
  remove(): Promise<void>;
}

export async function fillableTablespace(
  database: string,
  owner: string,
  sizeKiB: number,
): Promise<SmallTablespace> {
  const name = `faults_full_${randomBytes(4).toString('hex')}`;
  const dir = join('/tmp', name);
  mkdirSync(dir, { recursive: true });
  await exec('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir]);
  await exec('chown', ['postgres:postgres', dir]);
  await superuserSql(`create tablespace ${name} owner ${owner} location '${dir}'`);
  await superuserSql(`alter database ${database} set default_tablespace = ${name}`);
  return {
    name,
    async release() {
      await superuserSql(`alter database ${database} reset default_tablespace`);
    },
    async remove() {
      await superuserSql(`drop tablespace if exists ${name}`);
      await exec('umount', [dir], { allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
