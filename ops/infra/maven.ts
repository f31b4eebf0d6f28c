import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../core/errors.ts';
import { exec } from '../../core/exec.ts';
import { CACHE_DIR } from '../../core/paths.ts';
import { aptInstall } from './apt.ts';

/** Maven's local repository, kept in the cache so a second install downloads nothing. */
const MAVEN_REPO = join(CACHE_DIR, 'maven', 'repository');
export const JAVA_BIN = '/usr/bin/java';
const MVN_BIN = '/usr/bin/mvn';
const COMPLETE_MARKER = '.complete';

/** Java 17 (Kafka 4.x and Debezium 3.x need it) and Maven, from Debian's packages when missing. */
export async function ensureJvmTools(log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  if (!existsSync(JAVA_BIN)) missing.push('openjdk-17-jre-headless');
  if (!existsSync(MVN_BIN)) missing.push('maven');
  if (missing.length > 0) await aptInstall(missing, log);
}

/**
 * Where the runtime classpath of a pom lands: the folder name carries a hash of the pom, so pinning
 * another version resolves afresh instead of mixing jars of two versions.
 */
export function classpathDir(cacheName: string, pomPath: string): string {
  const hash = createHash('sha256').update(readFileSync(pomPath)).digest('hex').slice(0, 12);
  return join(CACHE_DIR, cacheName, hash);
}

export function isClasspathReady(dir: string): boolean {
  return existsSync(join(dir, COMPLETE_MARKER));
}

/**
 * Copies a pom's runtime dependencies into `dir` with `mvn dependency:copy-dependencies`. It works
 * in a scratch folder and renames it at the end, so an interrupted install never leaves half a
 * classpath that looks complete.
 */
export async function copyDependencies(
  pomPath: string,
  dir: string,
  log: (line: string) => void,
): Promise<void> {
  if (isClasspathReady(dir)) return;
  const scratch = `${dir}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  log(`  mvn dependency:copy-dependencies -f ${pomPath}`);
  try {
    await exec(MVN_BIN, [
      '-B',
      '-q',
      '-f',
      pomPath,
      `-Dmaven.repo.local=${MAVEN_REPO}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${scratch}`,
    ]);
  } catch (error) {
    throw new InfraError(`cannot resolve the jars of ${pomPath}: ${(error as Error).message}`, {
      retryable: true,
      hint: 'check that Maven Central is reachable, then run `techmarket infra up` again',
      cause: error,
    });
  }
  writeFileSync(join(scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
}

/** A `<name>value</name>` property of a pom: the poms are where the versions are pinned. */
export function pomProperty(pomPath: string, name: string): string | undefined {
  const match = readFileSync(pomPath, 'utf8').match(new RegExp(`<${name}>([^<]+)</${name}>`));
  return match?.[1]?.trim();
}
