/**
 * `feedback-lab run` without --out names its file after the study, its tag and the day. Running
 * the same study file again that day (another go at a noisy arm, say) must write a file of its
 * own, not replace the first run's results. `--resume` of a file with nothing left to run leaves
 * it alone.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyTag } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { runFeedbackLab } from '../../support/cli-process.ts';
import type { FakeOpenAIServer } from '../../support/fake-openai-server.ts';
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
    // Each name carries its own study's tag, as the app's exports of those studies do.
    expect([first, second].map((name) => name!.slice(0, 'feedback-lab-two-runs-one-day-'.length + 6))).toEqual(
      [a!, b!].map((doc) => `feedback-lab-two-runs-one-day-${studyTag(doc.config.id)}`),
    );
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
  });
});
