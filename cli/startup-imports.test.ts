import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../core/paths.ts';
import { INFRA_PART_NAMES } from '../ops/infra/part-names.ts';
import { INFRA_PARTS } from '../ops/infra/parts/index.ts';
import { runCli } from '../tests/cli/run-cli.ts';
import { reachableFiles } from '../tests/support/value-imports.ts';

/**
 * Every command loads only what it uses: loading every command's implementation costs ~180 MB and ~1 s
 * before any work, and `etl run --local`'s peak memory is a benchmark figure. These walk the static
 * imports; a command's `run` reaches its implementation through `await import()`, which they skip.
 */
function packagesAndFiles(entry: string): { packages: Set<string>; files: string[] } {
  const reached = reachableFiles(join(REPO_ROOT, entry));
  const packages = new Set([...reached.values()].flat().filter((s) => !s.startsWith('.')));
  return { packages, files: [...reached.keys()].map((f) => relative(REPO_ROOT, f)) };
}

describe('what the CLI loads', () => {
  it('loads only zod, pino and Node built-ins at start-up (--help, flag parsing, dispatch)', () => {
    const { packages, files } = packagesAndFiles('cli/main.ts');
    const heavy = [...packages].filter((p) => !p.startsWith('node:') && p !== 'zod' && p !== 'pino');
    expect(heavy).toEqual([]);
    expect(files.filter((f) => f.startsWith('cli/actions/'))).toEqual([]);
    expect(files).toContain('cli/commands/etl.ts');
  });

  it('runs etl --local, status and reset without the Temporal SDK', () => {
    const { packages, files } = packagesAndFiles('cli/actions/etl-local.ts');
    expect([...packages].filter((p) => p.startsWith('@temporalio/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('workflows/'))).toEqual([]);
    expect(files).toContain('pipeline/run-pipeline.ts');
  });

  it('names every infrastructure part in the flag help, which cannot load the parts', async () => {
    expect(INFRA_PART_NAMES).toEqual(INFRA_PARTS.map((p) => p.name));
    const help = await runCli(['infra', 'status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`(${INFRA_PART_NAMES.join(', ')})`);
  });
});
