import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
 * Where the runtime classpath of a pom lands: the folder name carries a hash of the pom (and of any
 * other inputs, such as sources built into it), so pinning another version resolves afresh instead
 * of mixing jars of two versions.
 */
export function classpathDir(cacheName: string, ...inputs: string[]): string {
  const hash = createHash('sha256');
  for (const path of inputs.flatMap(filesUnder).sort()) hash.update(path).update(readFileSync(path));
  return join(CACHE_DIR, cacheName, hash.digest('hex').slice(0, 12));
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
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
  /** Adds more to the folder before it is marked complete, e.g. a jar built from our own sources. */
  complete?: (scratch: string) => Promise<void>,
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
  await complete?.(scratch);
  writeFileSync(join(scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
}

/**
 * `mvn package` of a pom of our own, its build directory in the cache so nothing is written into the
 * repository; the jar (`finalName`.jar) is copied into `intoDir`.
 */
export async function buildJar(
  pomPath: string,
  jarName: string,
  intoDir: string,
  log: (line: string) => void,
) {
  const buildDir = join(CACHE_DIR, 'maven', 'build', jarName);
  rmSync(buildDir, { recursive: true, force: true });
  log(`  mvn package -f ${pomPath}`);
  await exec(MVN_BIN, [
    '-B',
    '-q',
    '-f',
    pomPath,
    `-Dmaven.repo.local=${MAVEN_REPO}`,
    `-Dtechmarket.build.dir=${buildDir}`,
    '-DskipTests',
    'package',
  ]);
  copyFileSync(join(buildDir, `${jarName}.jar`), join(intoDir, `${jarName}.jar`));
}

/** A `<name>value</name>` property of a pom: the poms are where the versions are pinned. */
export function pomProperty(pomPath: string, name: string): string | undefined {
  const match = readFileSync(pomPath, 'utf8').match(new RegExp(`<${name}>([^<]+)</${name}>`));
  return match?.[1]?.trim();
}

/**
 * One artifact (`group:artifact:version:packaging[:classifier]`) from Maven Central into `intoDir`,
 * through the cached local repository: a distribution archive rather than a classpath.
 */
export async function fetchArtifact(
  coordinates: string,
  intoDir: string,
  log: (line: string) => void,
): Promise<void> {
  mkdirSync(intoDir, { recursive: true });
  log(`  mvn dependency:copy ${coordinates}`);
  await exec(MVN_BIN, [
    '-B',
    '-q',
    `-Dmaven.repo.local=${MAVEN_REPO}`,
    'dependency:copy',
    `-Dartifact=${coordinates}`,
    `-DoutputDirectory=${intoDir}`,
  ]);
}
