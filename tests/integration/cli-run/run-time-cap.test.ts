/**
 * A problem the time cap per problem ends, in a real `feedback-lab run` with real Pyodide: the
 * server streams one problem's reply so slowly that a 5-s cap (the study's is 120 s) ends it. The
 * unit counts as failed, as the study counted it, and the pass line alone ("1/2 passed") cannot
 * tell the cap from the model (audit R200-1): the end of the run, its resume and
 * `feedback-lab report` on its file say it once for the arm, at the cap the study recorded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFeedbackLab } from '../../support/cli-process.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server.ts';

const SOLVED = '```python\ndef has_close_elements(numbers, threshold):\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n```';
/** About 150 tokens at 10 a second: 15 s, far past the 5-s cap. */
const SLOW = `\`\`\`python\ndef truncate_number(number):\n${'    # thinking it over slowly\n'.repeat(25)}    return number % 1.0\n\`\`\``;
const CAPPED = 'llama-solo: 1 of its 2 problem-runs was ended by the 5-s time cap per problem (counted as failed, as the study did).';
const ADVICE = /^The cap holds a problem's model replies and code runs together, so a machine slower than the study's ends more problems this way; a draft file for feedback-lab run --study sets another cap in its limits\.problemTimeCapMs/;

const feedbackLab = (args: string[]) => runFeedbackLab(dir, args);

let dir: string;
let server: FakeOpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-time-cap-'));
  server = await startFakeOpenAIServer({
    models: ['llama3.2:3b'],
    reply: (request) =>
      request.messages.some((m) => m.content.includes('truncate_number'))
        ? { kind: 'reply', text: SLOW, tokensPerSecond: 10 }
        : { kind: 'reply', text: SOLVED },
  });
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({
      name: 'A slow server',
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/2'] },
      mode: 'standard',
      arms: ['llama-solo'],
      limits: { problemTimeCapMs: 5000 },
    }),
  );
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a problem the time cap per problem ends', () => {
  it('is named once at the end of the run, of its resume and in the report, at the cap recorded', async () => {
    const run = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--workers', '1', '--out', 'results.json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(['llama-solo: 1/2 passed']);
    const lines = run.stderr.split('\n');
    expect(lines.filter((line) => line === CAPPED)).toHaveLength(1);
    expect(lines.filter((line) => ADVICE.test(line))).toHaveLength(1);
    const doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { units: { problemId: string; trajectory: { stopReason: string } }[] };
    expect(doc.units.map((u) => [u.problemId, u.trajectory.stopReason]).sort()).toEqual([
      ['HumanEval/0', 'completed'],
      ['HumanEval/2', 'time-cap'],
    ].sort());

    // Resumed with nothing left to run, the file's units are counted as they stand.
    const again = await feedbackLab(['run', '--resume', 'results.json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.split('\n').filter((line) => line === CAPPED)).toHaveLength(1);

    // Resumed with a unit to run: the earlier session's capped unit still counts.
    const partial = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { units: { problemId: string }[] };
    writeFileSync(join(dir, 'partial.json'), JSON.stringify({ ...partial, units: partial.units.filter((u) => u.problemId !== 'HumanEval/0') }));
    const resumed = await feedbackLab(['run', '--resume', 'partial.json', '--workers', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trimEnd()).toBe('llama-solo: 1/2 passed');
    expect(resumed.stderr.split('\n').filter((line) => line === CAPPED)).toHaveLength(1);

    const report = await feedbackLab(['report', 'results.json']);
    expect(report.code, report.stderr).toBe(0);
    // The report names arms by label, as the Results page does; said once, above the tables.
    const said = report.stdout.split('\n').filter((line) => line.includes('time cap per problem'));
    expect(said).toEqual([CAPPED.replace(/^llama-solo:/, 'llama3.2:3b solo:')]);
    expect(report.stdout.indexOf(said[0]!)).toBeLessThan(report.stdout.indexOf('## Problems solved per arm'));
  });
});
