import { InfraError } from '../../core/errors.ts';
import { exec } from '../../core/exec.ts';

let updated = false;

/**
 * Installs Debian packages by name. Services are kept from auto-starting (policy-rc.d answers 101
 * on these machines; RUNLEVEL=1 covers the rest) because `infra up` starts its own instances.
 */
export async function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new InfraError(`installing ${packages.join(', ')} needs root`, {
      hint: `run: sudo apt-get install -y ${packages.join(' ')}`,
    });
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  if (!updated) {
    log('  apt-get update');
    await exec('apt-get', ['update', '-qq'], { env });
    updated = true;
  }
  log(`  apt-get install ${packages.join(' ')}`);
  await exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
}
