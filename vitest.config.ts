import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** One lane of the integration tests: real Pyodide, real processes, one file at a time. */
function integrationProject(name: string, include: string[], exclude: string[] = []) {
  return {
    test: { name, include, exclude: [...configDefaults.exclude, ...exclude], environment: 'node' as const, testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false },
  };
}

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
      // The integration tests run in three projects, one file at a time in each; scripts/test-integration.mjs
      // runs the first two side by side (two vitest processes, one per lane), then the third alone.
      // On a 2-core machine one file at a time left a core a quarter idle. Why not two files at a
      // time in one project: the sandbox files race real Python against time limits (1.5-3 s
      // timeouts, watchdogs, a sleep that must end in time), and two of them side by side, each
      // with two Pyodide workers, would put four interpreters on two cores. Lanes keep every such
      // file beside at most one file that mostly waits. vitest's own grouping cannot say that:
      // projects that run together share one worker count (`sequence.groupOrder`), so they run
      // either one file at a time or any two files together.
      integrationProject('integration-sandbox', [
        // Python against time limits: the sandbox's endings and hardening, the canonical
        // solutions at the benchmark's 3-s limit, `feedback-lab score`.
        'tests/integration/sandbox/**/*.test.ts',
        'tests/integration/scoring/**/*.test.ts',
      ], ['tests/integration/scoring/agreement.test.ts']),
      integrationProject('integration-io', [
        // Real processes and HTTP servers on 127.0.0.1: most of their time is spent waiting for a
        // scripted reply, a retry's back-off or a command to start. The CLI's `run` starts Pyodide
        // too, on tiny programs well inside their limits.
        'tests/integration/cli-run/**/*.test.ts',
        'tests/integration/cli-report/**/*.test.ts',
        'tests/integration/llm/**/*.test.ts',
      ]),
      // Alone, after both lanes: it keeps both cores busy itself (two CPython processes, then two
      // Pyodide workers) and compares the verdicts of ~1,200 programs at the same time limits, so
      // a neighbour could turn a slow mutant's pass into a timeout on one side only.
      integrationProject('integration-alone', ['tests/integration/scoring/agreement.test.ts']),
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
