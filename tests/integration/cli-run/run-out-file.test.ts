/**
 * `feedback-lab run` without --out names its file after the study, its tag and the day. Running
 * the same study file again that day (another go at a noisy arm, say) must write a file of its
 * own, not replace the first run's results. A name given with --out is never written over
 * either: the file there is said to be what it is, with the way on. `--resume` of a file with
 * nothing left to run leaves it alone. A last write that fails (a full disk) is a failure, exit 1.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyTag } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { CLI_ELSEWHERE, runFeedbackLab } from '../../support/cli-process.ts';
import { fileBytes, studyResultFile } from '../../unit/results/result-file-fixtures.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server.ts';
import { SCRIPTED_MODEL, SCRIPTED_PROBLEM_IDS, startScriptedServer } from '../../support/scripted-study.ts';

const STUDY_NAME = 'Two runs one day';

const feedbackLab = (args: string[]) => runFeedbackLab(dir, args);

let dir: string;
let server: FakeOpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-out-'));
  server = await startScriptedServer({ tokensPerSecond: 5000 });
  const draft = { name: STUDY_NAME, benchmark: 'humaneval', selection: { kind: 'ids', ids: SCRIPTED_PROBLEM_IDS.slice(0, 2) }, arms: ['llama-solo'] };
  writeFileSync(join(dir, 'study.json'), JSON.stringify(draft));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The result files in the folder named by default: study name, tag, day (and -2, -3… past a clash). */
function defaultNamed(): string[] {
  return readdirSync(dir)
    .filter((name) => /^feedback-lab-two-runs-one-day-[a-z0-9]{6}-\d{4}-\d\d-\d\d(-\d+)?\.json$/.test(name))
    .sort();
}

describe('feedback-lab run without --out', () => {
  it('writes a second run of a study the same day beside the first, never over it', async () => {
    const run = () => feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1']);
    const ran = await run();
    expect(ran.code, ran.stderr).toBe(0);
    const [first] = defaultNamed();
    expect(first).toBeDefined();
    expect(ran.stderr).toContain(`results in ${join(dir, first!)}`);
    const firstBytes = readFileSync(join(dir, first!));

    // Each run is a study of its own (its own id, so its own tag in the name): the second gets a file of its own.
    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    const names = defaultNamed();
    expect(names).toHaveLength(2);
    const second = names.find((name) => name !== first)!;
    expect(again.stderr).toContain(`results in ${join(dir, second)}`);
    expect(readFileSync(join(dir, first!)).equals(firstBytes)).toBe(true);
    const [a, b] = await Promise.all([first!, second].map(async (name) => importResultFile(new Uint8Array(readFileSync(join(dir, name))))));
    expect([a!.config.name, b!.config.name]).toEqual([STUDY_NAME, STUDY_NAME]);
    expect(a!.config.id).not.toBe(b!.config.id);
    expect(b!.units).toHaveLength(2);
    // Each run's environment is recorded as the run started (as the app records it), so before the
    // endpoint was asked what it served, which happens after the first reply; not at the last write.
    const env = b!.environments.at(-1)!;
    expect(env.servedModels?.length).toBeGreaterThan(0);
    expect(Date.parse(env.recordedAt)).toBeLessThanOrEqual(Date.parse(env.servedModels![0]!.askedAt));
    // Each name carries its own study's tag, as the app's exports of those studies do.
    expect([first, second].map((name) => name!.slice(0, 'feedback-lab-two-runs-one-day-'.length + 6))).toEqual(
      [a!, b!].map((doc) => `feedback-lab-two-runs-one-day-${studyTag(doc.config.id)}`),
    );
  });

  it('--out never writes over a file that is there: a run of this study is pointed to --resume, anything else to another name', async () => {
    const [earlier] = defaultNamed();
    writeFileSync(join(dir, 'other-study.json'), await fileBytes(await studyResultFile()));
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    const before = Object.fromEntries([earlier!, 'other-study.json', 'notes.txt'].map((name) => [name, readFileSync(join(dir, name))]));
    const runTo = (out: string) => feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', out]);

    const again = await runTo(earlier!);
    expect(again.code).toBe(2);
    expect(again.stderr.split('\n')[0]).toBe(
      `feedback-lab run: --out ${earlier} already holds a run of this study (2 of 2 units finished), and run does not write over a result file. ` +
        `To continue it: ${CLI_ELSEWHERE} run --resume ${earlier}. To run the study again beside it, give --out a name not taken.`,
    );
    const other = await runTo('other-study.json');
    expect(other.code).toBe(2);
    expect(other.stderr.split('\n')[0]).toMatch(
      /^feedback-lab run: --out other-study\.json already holds the results of another study \("Feedback against no feedback", \d+ of \d+ units finished\), and run does not write over a result file\. Give --out a name not taken \(or leave out --out: a new name is picked\)\.$/,
    );
    // Continuing one study into the file of another is refused the same way.
    const resumedOver = await feedbackLab(['run', '--resume', earlier!, '--out', 'other-study.json']);
    expect(resumedOver.code).toBe(2);
    expect(resumedOver.stderr.split('\n')[0]).toMatch(/^feedback-lab run: --out other-study\.json already holds the results of another study /);
    const notes = await runTo('notes.txt');
    expect(notes.stderr.split('\n')[0]).toBe('feedback-lab run: --out notes.txt is already there, and run does not write over a file. Give --out a name not taken (or leave out --out: a new name is picked).');
    for (const [name, bytes] of Object.entries(before)) expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
  });

  it('--out that cannot be written says why in its own name, not the temporary file\'s', async () => {
    const ran = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', 'no-such-folder/run.json']);
    expect(ran.code).toBe(1);
    expect(ran.stderr.trimEnd().split('\n').at(-1)).toBe(`feedback-lab run: Cannot write the result file ${join(dir, 'no-such-folder', 'run.json')}: the folder ${join(dir, 'no-such-folder')} does not exist.`);
  });

  it('exits 1, not 0, when the study ran but its last write failed (a full disk), and says how to go on', async () => {
    // The first reply waits, so the file can be made unwritable between the first write and the last.
    const slow = await startFakeOpenAIServer({ reply: 'def f():\n    return 0\n', firstTokenDelayMs: 1500 });
    try {
      const ran = await runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', slow.url, '--model', 'fake-model', '--workers', '1', '--out', 'lost.json'], (child) => {
        let stderr = '';
        let swapped = false;
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (swapped || !stderr.includes('Writing ')) return;
          swapped = true;
          // A folder where the file was: the last write's rename fails, as a full disk fails it.
          rmSync(join(dir, 'lost.json'));
          mkdirSync(join(dir, 'lost.json'));
        });
      });
      expect(ran.stderr).toContain(`Could not write ${join(dir, 'lost.json')}: ${join(dir, 'lost.json')} is a folder.`);
      expect(ran.stderr).toMatch(/The result file lacks what was done since it was last written; once the cause named above is fixed, continue with: .* run --resume lost\.json(?: --workers 1)?\n$/);
      expect(ran.code, ran.stderr).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('refuses to write a file another live run is writing, and takes over a lock left by a run that died', async () => {
    // A live process holds held.json (this test's own: any live process will do).
    writeFileSync(join(dir, 'held.json.lock'), `${process.pid}\n`);
    const refused = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', 'held.json']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, 'held.json')} is being written by another feedback-lab run (process ${process.pid})`);
    expect(readdirSync(dir)).not.toContain('held.json');
    expect(readFileSync(join(dir, 'held.json.lock'), 'utf8')).toBe(`${process.pid}\n`);

    // The lock of a run killed with kill -9: its process is gone, so the file is nobody's.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'held.json.lock'), `${gone}\n`);
    const ran = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', 'held.json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readdirSync(dir)).toContain('held.json');
    expect(readdirSync(dir)).not.toContain('held.json.lock');
  });

  it('--resume of a file another run holds is refused before the file is read, not once that run has ended', async () => {
    // Taken after the read (and the endpoint's check), a second --resume that read the file while
    // the first run went on got the lock as that run ended, and wrote its older copy over the finished file.
    writeFileSync(join(dir, 'busy.json'), 'not yet whole');
    writeFileSync(join(dir, 'busy.json.lock'), `${process.pid}\n`);
    const refused = await feedbackLab(['run', '--resume', 'busy.json']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, 'busy.json')} is being written by another feedback-lab run (process ${process.pid})`);
    expect(readFileSync(join(dir, 'busy.json.lock'), 'utf8')).toBe(`${process.pid}\n`);
    rmSync(join(dir, 'busy.json.lock'));
  });

  it('--resume of a finished file says so and leaves the file alone, without the endpoint', async () => {
    const [finished] = defaultNamed();
    const before = readFileSync(join(dir, finished!));
    // The server is gone: a finished study needs neither it nor Python.
    await server.close();
    const resumed = await feedbackLab(['run', '--resume', finished!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Nothing left to run: every unit of ${finished} is finished. The file is unchanged.`);
    expect(resumed.stdout).toMatch(/^llama-solo: \d\/2 passed\n$/);
    expect(readFileSync(join(dir, finished!)).equals(before)).toBe(true);
    // Naming the same file with --out is the same write-back: not a run that runs nothing and records an environment for it.
    const named = await feedbackLab(['run', '--resume', finished!, '--out', `./${finished!}`]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toContain(`Nothing left to run: every unit of ${finished} is finished. The file is unchanged.`);
    expect(readFileSync(join(dir, finished!)).equals(before)).toBe(true);
  });
});
