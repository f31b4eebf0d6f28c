import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../core/paths.ts';
import { IMPORT, reachableFiles, valueImports } from '../tests/support/value-imports.ts';
import { WORKFLOWS_PATH } from './worker.ts';

/**
 * Workflow code is replayed, so it may import only Temporal's workflow API, activity *types* and other
 * workflow files (DESIGN.md section 2). This walks every value import reachable from the file the
 * worker bundles and fails on anything else: Node built-ins, zod, the pipeline, the database drivers.
 */
const ALLOWED_PACKAGES = new Set(['@temporalio/workflow']);

describe('workflow sandbox imports', () => {
  it('reaches only @temporalio/workflow and workflow files from workflows/index.ts', () => {
    const files = reachableFiles(WORKFLOWS_PATH);
    const offenders: string[] = [];
    for (const [file, imports] of files) {
      const where = relative(REPO_ROOT, file);
      for (const specifier of imports) {
        if (specifier.startsWith('.')) {
          const target = relative(REPO_ROOT, resolve(dirname(file), specifier));
          if (!target.startsWith('workflows/') || target.startsWith('workflows/activities/')) {
            offenders.push(`${where} imports ${specifier} (only activity types may come from there)`);
          }
        } else if (!ALLOWED_PACKAGES.has(specifier)) {
          offenders.push(`${where} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
    expect([...files.keys()].map((f) => relative(REPO_ROOT, f))).toContain('workflows/daily-pipeline.ts');
  });

  it('catches a Node built-in', () => {
    expect(valueImports.call(null, WORKFLOWS_PATH)).not.toContain('node:fs');
    const sample = "import { readFileSync } from 'node:fs';\nimport type { X } from './x.ts';\n";
    expect([...sample.matchAll(IMPORT)].filter((m) => !m[2]).map((m) => m[3])).toEqual(['node:fs']);
  });
});
