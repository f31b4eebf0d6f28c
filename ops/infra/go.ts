import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../core/errors.ts';
import { exec } from '../../core/exec.ts';
import { CACHE_DIR } from '../../core/paths.ts';

const GO_CACHE = join(CACHE_DIR, 'go');
/** Go 1.21 is the first that fetches the toolchain a module asks for from the module proxy. */
const MIN_GO_MINOR = 21;

async function findGo(): Promise<string> {
  for (const candidate of ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    if (candidate !== 'go' && !existsSync(candidate)) continue;
    const result = await exec(candidate, ['version'], { allowFailure: true }).catch(() => undefined);
    const minor = Number(result?.stdout.match(/go1\.(\d+)/)?.[1] ?? 0);
    if (minor >= MIN_GO_MINOR) return candidate;
  }
  throw new InfraError(`building from the Go module proxy needs Go 1.${MIN_GO_MINOR} or newer`, {
    hint: 'install Go (https://go.dev/doc/install) so that `go version` works, then run `techmarket infra up` again',
  });
}

/**
 * `go install module@version` into `binDir`, with every Go download and build kept under the cache:
 * a second install (or another clone) reuses the module and build caches. GOTOOLCHAIN=auto lets an
 * older Go fetch the toolchain the module needs, itself a module on the proxy.
 */
export async function goInstall(
  target: { module: string; version: string; binDir: string; ldflags?: string },
  log: (line: string) => void,
): Promise<void> {
  const go = await findGo();
  log(`  go install ${target.module}@${target.version}`);
  const env = {
    ...process.env,
    GOBIN: target.binDir,
    GOPATH: join(GO_CACHE, 'path'),
    GOCACHE: join(GO_CACHE, 'build'),
    GOMODCACHE: join(GO_CACHE, 'mod'),
    GOTOOLCHAIN: 'auto',
    GOFLAGS: '-modcacherw', // lets a cache clean-up delete the module cache without chmod
    CGO_ENABLED: '0', // the Temporal CLI uses pure-Go SQLite; no C toolchain needed
  };
  const args = ['install'];
  if (target.ldflags) args.push(`-ldflags=${target.ldflags}`);
  args.push(`${target.module}@${target.version}`);
  try {
    await exec(go, args, { env });
  } catch (error) {
    throw new InfraError(`go install ${target.module}@${target.version}: ${(error as Error).message}`, {
      retryable: true,
      hint: 'check that the Go module proxy is reachable (GOPROXY), then run `techmarket infra up` again',
      cause: error,
    });
  }
}
