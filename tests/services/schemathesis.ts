import { join } from 'node:path';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';

/**
 * schemathesis (PyPI, pinned, installed by scripts/install-schemathesis.sh into the cache folder)
 * over one service's OpenAPI document: every operation, valid and invalid requests, checked for 5xx
 * and for answers outside the document. A fixed seed keeps a failure reproducible.
 */
export async function installSchemathesis(): Promise<string> {
  return (await exec('bash', [join(REPO_ROOT, 'scripts/install-schemathesis.sh')])).stdout.trim();
}

/**
 * CPython 3.11's ast module can fail inside hypothesis with this message (a known interpreter bug,
 * fixed in later releases): schemathesis then reports a "Runtime Error" of its own, not a finding
 * about the service. Such a run is repeated once; any other failure stands.
 */
const INTERPRETER_AST_BUG = 'AST constructor recursion depth mismatch';

export async function fuzzService(
  stBinary: string,
  baseUrl: string,
  headers: readonly string[],
): Promise<{ code: number; output: string }> {
  const once = async () => {
    const result = await exec(
      stBinary,
      [
        'run',
        `${baseUrl}/docs/json`,
        '--url',
        baseUrl,
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--max-examples',
        '25',
        '--seed',
        '13',
        '--workers',
        '2',
        '--generation-database',
        'none',
        ...headers.flatMap((header) => ['--header', header]),
        '--no-color',
      ],
      { allowFailure: true, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } },
    );
    return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
  };
  const first = await once();
  return first.code !== 0 && first.output.includes(INTERPRETER_AST_BUG) ? once() : first;
}
