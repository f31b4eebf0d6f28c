import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.cache/**'],
    globalSetup: ['tests/global-setup.ts'],
    // Tests (and the CLI processes they start) neither ship logs to the shared log store nor push
    // metrics to the shared Pushgateway; the tests of those paths turn them on for themselves.
    env: { LOG_STORE_URL: 'off', PUSHGATEWAY_URL: 'off' },
    // Suites share two CPU cores and real servers; each file works in scratch databases of its own.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
