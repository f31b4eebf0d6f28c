import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';
import { formatSummary, readSummary } from '../faults/support/summary.ts';

/** How many stack frames of an unhandled error the digest keeps: where it was thrown, not the runner. */
const FRAMES = 6;

/**
 * Prints, after vitest's own summary and as the run's very last lines, the fault suite's table (when
 * the faults project ran) and a digest of every unhandled error: its message, the file that was
 * running, and its first frames. vitest prints those errors in full further up, but a CI log is often
 * read from its tail, and an error counted there without its text cannot be diagnosed.
 */
export default class EndOfRunReporter implements Reporter {
  async onTestRunEnd(
    testModules: readonly TestModule[],
    unhandledErrors: readonly SerializedError[],
  ): Promise<void> {
    // vitest calls every reporter's onTestRunEnd and then, in the same tick, the default reporter's
    // onFinished, which prints its summary: one turn of the event loop later this comes after it.
    await new Promise((resolve) => setImmediate(resolve));
    const out: string[] = [];
    if (testModules.some((m) => m.project.name === 'faults')) {
      const rows = readSummary();
      if (rows.length > 0) out.push('', 'Fault-injection summary', formatSummary(rows));
    }
    if (unhandledErrors.length > 0) {
      out.push('', `Unhandled errors: ${unhandledErrors.length} (each is printed in full above)`);
      for (const error of unhandledErrors) out.push(...describeUnhandledError(error));
    }
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n\n`);
  }
}

/** One unhandled error as a few plain lines: what, while which file and test ran, and where. */
export function describeUnhandledError(error: SerializedError): string[] {
  const fields = error as SerializedError & Record<string, unknown>;
  const lines = [`- ${String(fields.name ?? 'Error')}: ${String(fields.message ?? error)}`];
  if (typeof fields.VITEST_TEST_PATH === 'string')
    lines.push(`  while running ${relative(process.cwd(), fields.VITEST_TEST_PATH)}`);
  if (typeof fields.VITEST_TEST_NAME === 'string') lines.push(`  in the test "${fields.VITEST_TEST_NAME}"`);
  const frames = (typeof fields.stack === 'string' ? fields.stack : '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, FRAMES);
  lines.push(...frames.map((frame) => `  ${frame.trim()}`));
  const cause = fields.cause as SerializedError | undefined;
  if (cause && typeof cause === 'object') {
    lines.push(...describeUnhandledError(cause).map((line) => `  ${line.replace(/^- /, 'caused by ')}`));
  }
  return lines;
}
