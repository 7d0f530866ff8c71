/**
 * A reasoning model at the study's 512 tokens, in a real `feedback-lab run` with real Pyodide: the
 * server streams its thinking apart from the reply (`reasoning_content`) until the cap stops it,
 * so no text comes and every problem fails with empty code. The pass line alone ("0/2 passed")
 * says nothing of why: the end of the run, and `feedback-lab report` on its file, say it once for
 * that arm, with what to change, and not for an arm whose nodes were given room to answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { runFeedbackLab } from '../../support/cli-process.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server.ts';

/** About 600 tokens of thinking: past the presets' 512, inside 1024. */
const THINKING = 'Let me think about the edge cases first. '.repeat(75);
const CUT = 'llama-solo: both its model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run.';

const feedbackLab = (args: string[]) => runFeedbackLab(dir, args);

let dir: string;
let server: FakeOpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-reasoning-'));
  server = await startFakeOpenAIServer({
    models: ['llama3.2:3b'],
    reply: () => ({ kind: 'reply', text: '```python\ndef answer():\n    return 42\n```', reasoning: { text: THINKING } }),
  });
  const roomy = { ...llamaSolo, id: 'llama-solo-1024', name: 'llama solo, 1024 tokens', generator: { ...llamaSolo.generator, maxTokens: 1024 } };
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({
      name: 'A reasoning model',
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/2'] },
      mode: 'standard',
      arms: ['llama-solo', { id: 'roomy', label: 'llama solo, 1024 tokens', forcedIterations: false, pipeline: roomy }],
    }),
  );
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a reasoning model that thinks through its whole token cap', () => {
  it('is named once at the end of the run and in the report, with what to change', async () => {
    const run = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--workers', '1', '--out', 'results.json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(['llama-solo: 0/2 passed', 'roomy: 0/2 passed']);
    const lines = run.stderr.split('\n');
    expect(lines.filter((line) => line === CUT)).toHaveLength(1);
    // The arm whose node had room ended its replies: it is not named.
    expect(lines.filter((line) => line.startsWith('roomy:'))).toEqual([]);
    const advice = lines.filter((line) => line.startsWith('A reasoning model thinks before it answers, and 512 tokens are rarely enough'));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatch(/larger maxTokens .*draft file for feedback-lab run --study.*\/no_think/);

    const report = await feedbackLab(['report', 'results.json']);
    expect(report.code, report.stderr).toBe(0);
    // The report names arms by label, as the Results page does; said once, above the tables.
    const said = report.stdout.split('\n').filter((line) => line.includes('spent the whole 512-token cap on reasoning'));
    expect(said).toEqual([CUT.replace(/^llama-solo:/, 'llama3.2:3b solo:')]);
    expect(report.stdout.indexOf(said[0]!)).toBeLessThan(report.stdout.indexOf('## Problems solved per arm'));
  });
});
