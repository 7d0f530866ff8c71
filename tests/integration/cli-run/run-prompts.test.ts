/**
 * `feedback-lab run --prompts FILE` in a real process against the scripted fake endpoint, with
 * real Pyodide: the system messages the endpoint receives are the set's texts, a draft's whole
 * arm may send a new id the set brings, and the result file records the texts as sent. A result
 * file already holds its texts, so --prompts beside it is refused as a bad command line; unreadable
 * and invalid sets are refused in one line naming the file; all before any Python starts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { encodeStudyLink } from '../../../src/core/study/link.ts';
import { runFeedbackLab } from '../../support/cli-process.ts';
import type { FakeOpenAIServer } from '../../support/fake-openai-server.ts';
import { SCRIPTED_MODEL, startScriptedServer } from '../../support/scripted-study.ts';

const GENERATOR_TEXT = 'You are the study’s generator: answer with one Python function in a fenced block.';
const REFINER_TEXT = 'You are the study’s refiner: fix the function from the traceback you are shown.';
const MINE_TEXT = 'A generator prompt of my own, which no built-in pipeline sends.';

const feedbackLab = (args: string[]) => runFeedbackLab(dir, args);

function systemTexts(): Set<string> {
  return new Set(server.requests.map((r) => String(r.messages.find((m) => m.role === 'system')?.content)));
}

let dir: string;
let server: FakeOpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-prompts-'));
  server = await startScriptedServer({ tokensPerSecond: 4000 });
  writeFileSync(
    join(dir, 'prompts.json'),
    JSON.stringify({
      format: 'feedback-lab/prompt-set',
      version: 1,
      name: 'Study texts',
      prompts: [
        { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
        { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
        { id: 'generator.mine', role: 'generator', text: MINE_TEXT },
      ],
    }),
  );
  // HumanEval/0 is right at once; HumanEval/2 starts with a NameError the refiner fixes.
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({
      name: 'With the study texts',
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/2'] },
      arms: [
        'llama-self-refine',
        { id: 'mine-solo', label: 'my generator', forcedIterations: false, pipeline: { ...llamaSolo, id: 'mine-solo', name: 'my generator', generator: { ...llamaSolo.generator, prompt: { id: 'generator.mine' } } } },
      ],
    }),
  );
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback-lab run --prompts', () => {
  it('sends the set’s texts for a draft, lets a whole arm send a new id, and records the texts in the result file', async () => {
    server.requests.length = 0;
    const { code, stdout, stderr } = await feedbackLab([
      'run', '--study', 'study.json', '--prompts', 'prompts.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', 'with-prompts.json',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual(['llama-self-refine: 2/2 passed', 'mine-solo: 1/2 passed']);
    expect(stderr).toContain(
      'Prompt set prompts.json: 2 prompts replace built-in texts: generator.plain, refiner.fix. 1 new id, not among the built-in prompts: generator.mine. ' +
        'The chosen arms send 3 of these texts: generator.plain, refiner.fix, generator.mine.',
    );
    expect(systemTexts()).toEqual(new Set([GENERATOR_TEXT, REFINER_TEXT, MINE_TEXT]));
    const doc = await importResultFile(new Uint8Array(readFileSync(join(dir, 'with-prompts.json'))));
    expect(doc.config.prompts).toEqual([
      { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
      { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
      { id: 'generator.mine', role: 'generator', text: MINE_TEXT },
    ]);
  });

  it('sends the set’s texts for a study link too', async () => {
    server.requests.length = 0;
    const params = await encodeStudyLink({
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids: ['HumanEval/0'] },
      arms: [{ id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false }],
      repeats: 1,
      mode: 'study',
      engine: 'openai',
      endpoint: server.url,
      modelNames: { 'llama3.2:3b': SCRIPTED_MODEL },
      autorun: false,
    });
    const { code, stderr } = await feedbackLab(['run', '--study', `?${params}`, '--prompts', 'prompts.json', '--workers', '1', '--out', 'link.json']);
    expect(code, stderr).toBe(0);
    expect(systemTexts()).toEqual(new Set([GENERATOR_TEXT]));
    const doc = await importResultFile(new Uint8Array(readFileSync(join(dir, 'link.json'))));
    expect(doc.config.prompts).toEqual([{ id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT }]);
  });

  it('refuses --prompts beside a result file, which runs again with the texts it sent, as a bad command line (exit 2, as beside --resume)', async () => {
    server.requests.length = 0;
    const { code, stderr } = await feedbackLab(['run', '--study', 'with-prompts.json', '--prompts', 'prompts.json', '--endpoint', server.url]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'feedback-lab run: --prompts prompts.json: with-prompts.json already holds the prompt texts its study sent, and runs again with them; leave out --prompts, or give the prompt set with a study link or a draft file.\n' +
        'Run "feedback-lab run --help" for usage.\n',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('names the file of an unreadable or invalid prompt set in one line, and exits 1 without calling the model', async () => {
    server.requests.length = 0;
    const missing = await feedbackLab(['run', '--study', 'study.json', '--prompts', 'missing.json', '--endpoint', server.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^feedback-lab run: Cannot read the prompt set missing\.json: no such file \(looked at .*missing\.json\)\.\n$/);

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'writer', text: '' }] }));
    const bad = await feedbackLab(['run', '--study', 'study.json', '--prompts', 'bad.json', '--endpoint', server.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^feedback-lab run: bad\.json is not a prompt set this command can use: prompts\[0\]\.role: expected one of generator, .* prompts\[0\]\.text: expected the prompt's text, found ""\.\n$/,
    );

    const results = await feedbackLab(['run', '--study', 'study.json', '--prompts', 'with-prompts.json', '--endpoint', server.url]);
    expect(results.code).toBe(1);
    expect(results.stderr).toMatch(/^feedback-lab run: with-prompts\.json is not a prompt set this command can use: This is a Feedback Lab result file, not a prompt set\./);
    expect(server.requests).toHaveLength(0);
  });
});
