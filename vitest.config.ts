import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**', 'dist/**'],
    // Tests that start bin/tidegate.js run dist/: compile it first when a source changed.
    globalSetup: ['scripts/build.mjs'],
    pool: 'forks',
    // Integration suites start real servers; two files at a time suits a 2-core machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
