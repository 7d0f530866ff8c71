import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    projects: [
      // The Svelte plugin compiles runes in `.svelte.ts` state classes, so UI state is unit-tested too.
      {
        plugins: [svelte()],
        // vitest's default is one worker fewer than the cores: one on a 2-core machine, which left
        // a core idle. Two there took the unit project from 85 s to 54 s (docs/performance.md).
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', maxWorkers: Math.max(2, availableParallelism() - 1) },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Two files at a time: most of an e2e file's time is spent waiting (scripted replies,
          // retries, reloads), so a second file fills the cores; each file has its own browser
          // and server. More would starve the Pyodide workers of a 2-core machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
