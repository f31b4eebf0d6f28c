import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` — pure modules, tests beside their code, no server and no global setup
 * (`npm run test:unit`, seconds); `integration` — tests/, against the real servers its global setup
 * brings up (idempotently); `faults` — tests/faults/, the fault-injection scenarios, on the same
 * servers, whose summary table the end-of-run reporter prints (`npm run test:faults`).
 * `npx vitest run` runs all three.
 */
export default defineConfig({
  test: {
    exclude: ['node_modules/**', '.cache/**'],
    // Tests (and the CLI processes they start) neither ship logs to the shared log store nor push
    // metrics to the shared Pushgateway; the tests of those paths turn them on for themselves.
    // Warnings and errors only, so a failure's output is not buried under every activity's line.
    env: { LOG_STORE_URL: 'off', PUSHGATEWAY_URL: 'off', LOG_LEVEL: 'warn' },
    // Suites share two CPU cores and real servers; each file works in scratch databases of its own.
    pool: 'forks',
    // The run ends with the fault summary and a digest of unhandled errors: a CI log is read from its tail.
    reporters: ['default', './tests/support/end-of-run-reporter.ts'],
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['tests/**', 'node_modules/**', '.cache/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/faults/**', 'node_modules/**', '.cache/**'],
          globalSetup: ['tests/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts', 'tests/faults/summary-setup.ts'],
        },
      },
    ],
  },
});
