import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/bench/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The built checker keeps V8's code cache in the user's cache folder: the tests' runs keep
    // theirs apart, never in the home folder of whoever runs them.
    env: { XDG_CACHE_HOME: path.join(os.tmpdir(), 'shapewise-test-cache') },
  },
});
