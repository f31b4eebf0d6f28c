import { describe, expect, it } from 'vitest';
import { describeUnhandledError } from './end-of-run-reporter.ts';

describe('the end-of-run digest of an unhandled error', () => {
  it('names the error, the file and test that ran, its first frames, and its cause', () => {
    const lines = describeUnhandledError({
      name: 'Error',
      message: '[vitest-worker]: Timeout calling "onTaskUpdate"',
      stack: [
        'Error: [vitest-worker]: Timeout calling "onTaskUpdate"',
        ...Array.from({ length: 9 }, (_, i) => `    at frame${i} (file.js:${i}:1)`),
      ].join('\n'),
      VITEST_TEST_PATH: `${process.cwd()}/tests/cli/x.test.ts`,
      VITEST_TEST_NAME: 'does a thing',
      cause: {
        name: 'Error',
        message: 'connection reset',
        stack: 'Error: connection reset\n    at socket (net.js:1:1)',
      },
    });
    expect(lines).toEqual([
      '- Error: [vitest-worker]: Timeout calling "onTaskUpdate"',
      '  while running tests/cli/x.test.ts',
      '  in the test "does a thing"',
      ...Array.from({ length: 6 }, (_, i) => `  at frame${i} (file.js:${i}:1)`),
      '  caused by Error: connection reset',
      '    at socket (net.js:1:1)',
    ]);
  });
});
