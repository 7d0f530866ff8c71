import { describe, expect, it } from 'vitest';
import config from '../../../vite.config.ts';

type Warning = { message: string; plugin?: string };

describe('what `npm start` prints while it builds', () => {
  const options = config.build?.rolldownOptions as
    | { checks?: { bundlerTimings?: boolean }; onwarn?: (warning: Warning, warn: (warning: Warning) => void) => void }
    | undefined;

  it("leaves out the Node built-ins Pyodide names for its Node branch, and nothing else", () => {
    const shown: string[] = [];
    const onwarn = options?.onwarn;
    expect(onwarn).toBeTypeOf('function');
    const pyodide = {
      plugin: 'rolldown:vite-resolve',
      message:
        'Module "node:fs" has been externalized for browser compatibility, imported by "/work/main/node_modules/pyodide/pyodide.mjs". See https://vite.dev/guide/troubleshooting.html for more details.',
    };
    const ours = { plugin: 'rolldown:vite-resolve', message: 'Module "node:fs" has been externalized for browser compatibility, imported by "/repo/src/ui/x.ts".' };
    const other = { message: 'Circular dependency: a.ts -> b.ts -> a.ts' };
    for (const warning of [pyodide, ours, other]) onwarn?.(warning, (w) => shown.push(w.message));
    expect(shown).toEqual([ours.message, other.message]);
  });

  it('does not print the per-plugin timing report', () => {
    expect(options?.checks?.bundlerTimings).toBe(false);
    // The workers (the 6 MB WebLLM one above all) are bundled with worker.rolldownOptions alone.
    const worker = config.worker?.rolldownOptions as { checks?: { bundlerTimings?: boolean } } | undefined;
    expect(worker?.checks?.bundlerTimings).toBe(false);
  });
});
