import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configHash } from '../../../src/core/results/config-hash.ts';
import { SEARCH_FILE_FORMAT } from '../../../src/core/results/search-file.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile, type ImportOptions } from '../../../src/core/results/result-file-import.ts';
import { RESULT_FILE_MIGRATIONS, type RawDocument } from '../../../src/core/results/result-file-migrations.ts';
import { RESULT_FILE_VERSION, type ResultFile } from '../../../src/core/results/result-file.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { studyResultsDir } from '../../support/study-results.ts';
import { fileBytes, ollamaServedModel, studyResultFile } from './result-file-fixtures.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => encode(JSON.stringify(value));

async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The UserError an import ends in, as plain data (what the UI shows). */
async function rejection(bytes: Uint8Array, options?: ImportOptions) {
  try {
    await importResultFile(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).toJSON();
  }
  throw new Error('the import was expected to fail');
}

/** A copy of a valid document as raw JSON, to break in one place. */
async function rawDoc(): Promise<RawDocument & { units: Record<string, unknown>[]; config: Record<string, unknown> }> {
  return JSON.parse(new TextDecoder().decode(await fileBytes(await studyResultFile())));
}

describe('export then import', () => {
  it('gives back the same document from plain JSON and from gzip', async () => {
    const doc = await studyResultFile();
    for (const gzip of [false, true]) {
      const bytes = await exportResultFile(doc, { gzip });
      expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
      expect(await importResultFile(bytes)).toEqual(doc);
    }
  });

  it('holds every unit of the study, with the scripted pass counts', async () => {
    const doc = await importResultFile(await fileBytes(await studyResultFile()));
    expect(doc.units).toHaveLength(3 * 2 * 5);
    const passed = (arm: string, repeat: number) =>
      doc.units.filter((u) => u.armId === arm && u.repeat === repeat && u.status === 'finished' && u.trajectory.passed).length;
    expect([passed('solo', 0), passed('solo', 1), passed('refine', 0), passed('refine', 1)]).toEqual([1, 2, 3, 4]);
  });

  it('writes the same bytes for the same study, whatever order its objects were built in', async () => {
    const doc = await studyResultFile();
    const reordered = JSON.parse(JSON.stringify(doc), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as ResultFile;
    expect(await exportResultFile(reordered, { gzip: false })).toEqual(await exportResultFile(doc, { gzip: false }));
    expect(new TextDecoder().decode(await exportResultFile(doc, { gzip: false }))).toMatch(new RegExp(`^\\{"format":"feedback-lab/results","version":${RESULT_FILE_VERSION},`));
  });

  it('keeps HTML and script in code and replies as inert text, byte for byte', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(document.cookie)">',
      '</script><script>fetch("//evil.example")</script>',
      '{@html "<b>x</b>"} {#each x as y}{/each}',
      'javascript:alert(1) \u2028\u2029 \u0000 \ud800 "quoted" \\ back',
    ].join('\n');
    const doc = await studyResultFile();
    const unit = doc.units.find((u) => u.status === 'finished')!;
    if (unit.status !== 'finished') throw new Error('unreachable');
    const step = unit.trajectory.steps.find((s) => s.kind === 'generate')!;
    if (step.kind === 'execute') throw new Error('unreachable');
    step.reply = hostile;
    step.code = hostile;
    step.messages[1]!.content = hostile;
    unit.trajectory.finalCode = hostile;
    const bytes = await exportResultFile(doc, { gzip: false });
    const back = await importResultFile(bytes);
    const backUnit = back.units.find((u) => u.armId === unit.armId && u.repeat === unit.repeat && u.problemId === unit.problemId)!;
    if (backUnit.status !== 'finished') throw new Error('unreachable');
    const backStep = backUnit.trajectory.steps[step.index]!;
    expect(backStep.kind === 'generate' && [backStep.reply, backStep.code, backStep.messages[1]!.content]).toEqual([hostile, hostile, hostile]);
    expect(backUnit.trajectory.finalCode).toBe(hostile);
    expect(await exportResultFile(back, { gzip: false })).toEqual(bytes);
  });

  it('returns plain data: a __proto__ key in the file neither survives nor pollutes', async () => {
    const text = new TextDecoder().decode(await fileBytes(await studyResultFile()));
    const polluted = text.replace('"models":{', '"models":{"__proto__":{"polluted":true},');
    const doc = await importResultFile(encode(polluted));
    expect(Object.keys(doc.config.models)).toEqual(['llama3.2:3b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('import refuses, with a sentence a person can act on', () => {
  it('an empty file', async () => {
    expect((await rejection(new Uint8Array())).message).toBe('The file is empty.');
  });

  it('a truncated gzip file', async () => {
    const gz = await fileBytes(await studyResultFile(), true);
    const error = await rejection(gz.slice(0, Math.floor(gz.length / 2)));
    expect(error.message).toMatch(/^The file is truncated or not gzip/);
  });

  it('gzip magic followed by garbage', async () => {
    expect((await rejection(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5]))).message).toMatch(/truncated or not gzip/);
  });

  it('a file too big, before or after decompression', async () => {
    const bytes = await fileBytes(await studyResultFile());
    expect((await rejection(bytes, { maxBytes: 1000 })).message).toMatch(/^The file is too big: \d+ KB, and this app reads result files up to 1000 bytes\.$/);
    const gz = await gzipBytes(encode(`{"format":"feedback-lab/results","pad":"${'a'.repeat(5_000_000)}"}`));
    expect(gz.length).toBeLessThan(100_000);
    const bomb = await rejection(gz, { maxBytes: 1024 * 1024 });
    expect(bomb.message).toBe('The file is too big: decompressed, it is more than 1.0 MB, the most this app reads.');
  });

  it('bytes that are not UTF-8 text', async () => {
    expect((await rejection(new Uint8Array([0xff, 0xfe, 0x00, 0xd8]))).message).toMatch(/^This is not a Feedback Lab result file\. It is not text/);
  });

  it('invalid JSON, saying where', async () => {
    const error = await rejection(encode('{\n  "format": "feedback-lab/results",\n  "version": 1,,\n}'));
    expect(error.message).toBe('The file is not valid JSON: the error is at line 3, column 16.');
  });

  it('a zipped file, as a ZIP to unzip (not as text that is not UTF-8)', async () => {
    // The local file header of a ZIP archive holding one stored entry, as `zip` writes it.
    const header = [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xa1, 0x5b, 0x96, 0x5a, 0xff, 0xfe, 0xc3, 0x81];
    const zip = new Uint8Array([...header, ...new Uint8Array(64).map((_, i) => (i * 37) & 0xff)]);
    const error = await rejection(zip);
    expect(error.message).toBe('The file is a ZIP archive, not a result file.');
    expect(error.hint).toMatch(/^Unzip it/);
  });

  it('JSON cut short, as truncated', async () => {
    const bytes = await fileBytes(await studyResultFile());
    const error = await rejection(bytes.slice(0, 5000));
    expect(error.message).toMatch(/^The file is truncated: its JSON stops in the middle \(line 1, column \d+\)\.$/);
  });

  it('a file of another kind', async () => {
    expect((await rejection(json({ hello: 'world' }))).message).toBe(
      'This is not a Feedback Lab result file. A result file says "format": "feedback-lab/results", but it has no "format" field.',
    );
    expect((await rejection(json([1, 2, 3]))).message).toMatch(/^This is not a Feedback Lab result file\./);
    expect((await rejection(json({ format: 'feedback-lab/prompt-set', version: 1, prompts: [] }))).message).toBe(
      'This is not a Feedback Lab result file. It is a prompt set.',
    );
    // A search file, picked on the Results or Study page: sent to the Search page.
    const search = await rejection(json({ format: SEARCH_FILE_FORMAT, version: 1, exported: '2026-05-01T00:00:00.000Z', config: {}, state: {}, evaluations: [] }));
    expect(search.message).toBe("This is not a Feedback Lab result file. It is a search file (a NEAT search exported from the Search page), not a study's results.");
    expect(search.hint).toMatch(/Search page/);
    const samples = '{"task_id": "HumanEval/0", "completion": "    return 1"}\n{"task_id": "HumanEval/1", "completion": ""}\n';
    expect((await rejection(encode(samples))).message).toMatch(/^This is not a Feedback Lab result file\. It looks like a samples file/);
    // One line of samples is one JSON object, so it parses as JSON: still a samples file.
    expect((await rejection(encode(samples.split('\n')[0]!))).message).toMatch(/It looks like a samples file/);
  });

  it('one of the study\'s released files, sent to the Reproduce page', async () => {
    for (const [file, name] of [
      ['main_results.json', 'main_results.json'],
      ['error_taxonomy.json', 'error_taxonomy.json'],
      ['iteration_analysis.json', 'iteration_analysis.json'],
      ['neat_runs/v3_champion.json', 'neat_runs/*_champion.json'],
    ] as const) {
      const error = await rejection(new Uint8Array(await readFile(join(studyResultsDir(), file))));
      expect(error.message, file).toBe(`This is not a Feedback Lab result file. It is one of the study's own released files (${name}).`);
      expect(error.hint).toMatch(/Reproduce page/);
    }
  });

  it('a file from a newer app', async () => {
    const doc = await rawDoc();
    doc.version = RESULT_FILE_VERSION + 2;
    const error = await rejection(json(doc));
    expect(error.message).toBe(`This result file was written by a newer Feedback Lab (format ${RESULT_FILE_VERSION + 2}).`);
    expect(error.hint).toMatch(new RegExp(`^This copy of the app reads formats up to ${RESULT_FILE_VERSION}\\. Reload the page`));
  });

  it('a file of this format from a newer app that holds what this one does not read, as from a newer app, not as edited by hand', async () => {
    const doc = await rawDoc();
    doc.appVersion = '0.2.0';
    (doc.units[0]!.trajectory as { verdict: { category?: string } }).verdict = { ...(doc.units[0]!.trajectory as { verdict: object }).verdict, category: 'SomethingNew' };
    doc.config.sampling = { ...(doc.config.sampling as object), minP: 0.05 };
    const newer = await rejection(json(doc), { appVersion: '0.1.0' });
    expect(newer.message).toBe(
      'This result file was written by a newer Feedback Lab (0.2.0; this is 0.1.0), and 2 fields in it are not what this version reads.',
    );
    expect(newer.hint).toMatch(/^Reload the page/);
    expect(newer.details).toHaveLength(2);
    // The same file from this version or an older one (or with no version to compare): edited, as before.
    for (const appVersion of ['0.2.0', '0.3.1', undefined]) {
      expect((await rejection(json(doc), appVersion ? { appVersion } : {})).message, appVersion).toBe('This result file has 2 fields with a wrong type or value.');
    }
    doc.appVersion = 'not a version';
    expect((await rejection(json(doc), { appVersion: '0.1.0' })).message).toBe('This result file has 2 fields with a wrong type or value.');
  });

  it('a file from an older format with no migration', async () => {
    const doc = await rawDoc();
    doc.version = 0;
    expect((await rejection(json(doc))).message).toBe(
      'This result file was written by an older Feedback Lab (format 0) that this version can no longer read.',
    );
  });

  it('wrong types, as a short list of field paths', async () => {
    const doc = await rawDoc();
    const unit = doc.units[0] as { trajectory: { steps: Record<string, unknown>[] } };
    unit.trajectory.steps[0]!.reply = 42;
    (doc.units[1] as Record<string, unknown>).status = 'done';
    (doc.config as Record<string, unknown>).repeats = 'two';
    (doc.environments as Record<string, unknown>[])[0]!.extra = true;
    const error = await rejection(json(doc));
    expect(error.message).toBe('This result file has 4 fields with a wrong type or value.');
    expect(error.details).toEqual([
      'config.repeats: Invalid input: expected number, received string',
      'environments[0]: Unrecognized key: "extra"',
      'units[0].trajectory.steps[0].reply: Invalid input: expected string, received number',
      "units[1].status: Invalid discriminator value. Expected 'finished' | 'errored' | 'unfinished'",
    ]);
  });

  it('a list of problems capped at ten lines, however broken the file', async () => {
    const doc = await rawDoc();
    for (const unit of doc.units) unit.repeat = -1;
    const error = await rejection(json(doc));
    expect(error.message).toBe('This result file has 30 fields with a wrong type or value.');
    expect(error.details).toHaveLength(11);
    expect(error.details[10]).toBe('…and 20 more.');
  });

  it('units that do not belong to the study', async () => {
    const doc = await rawDoc();
    doc.units[0]!.armId = 'nobody';
    doc.units[1]!.problemId = 'HumanEval/77';
    doc.units[2]!.repeat = 2;
    (doc.units[2]!.trajectory as { repeat: number | null }).repeat = null;
    doc.units[4] = { ...doc.units[3] };
    const error = await rejection(json(doc));
    expect(error.details).toEqual([
      'units[0].armId: "nobody" is not an arm of the study (solo, refine, text-only).',
      'units[1].problemId: "HumanEval/77" is not among config.problemIds.',
      'units[1].trajectory.problemId: "HumanEval/901" differs from the unit\'s "HumanEval/77".',
      "units[2].repeat: 2 is past the study's 2 repeats (they count from 0).",
      'units[4]: the same arm, repeat and problem as units[3].',
    ]);
  });

  it('a trajectory whose passed flag disagrees with its verdict (pass rates count the flag)', async () => {
    const doc = await rawDoc();
    const trajectory = (i: number) => doc.units[i]!.trajectory as { passed: boolean; verdict: { kind: string } | null; stopReason: string };
    const failed = doc.units.findIndex((_, i) => trajectory(i).verdict?.kind === 'failed');
    const passed = doc.units.findIndex((_, i) => trajectory(i).passed);
    trajectory(failed).passed = true;
    // A passing verdict cut by the time cap counts as failed: saying it passed is wrong too.
    trajectory(passed).stopReason = 'time-cap';
    const error = await rejection(json(doc));
    expect(error.details).toEqual(
      [
        [failed, `units[${failed}].trajectory.passed: true disagrees with its verdict (failed), which makes it false.`],
        [passed, `units[${passed}].trajectory.passed: true disagrees with its verdict (passed, cut by the time cap), which makes it false.`],
      ]
        .sort((a, b) => (a[0] as number) - (b[0] as number))
        .map((entry) => entry[1]),
    );
  });

  it('a trajectory that contradicts its own steps, and a step or environment that claims another study', async () => {
    type RawStep = { kind: string; modelKey?: string; mode?: string };
    type RawTrajectory = { passed: boolean; verdict: { kind: string } | null; steps: RawStep[]; stopReason: string };
    const doc = await rawDoc();
    const trajectory = (i: number) => doc.units[i]!.trajectory as RawTrajectory;
    const solo = (i: number) => doc.units[i]!.armId === 'solo';
    // A solo unit whose only execution failed, said to have passed: it would count as a pass.
    const failed = doc.units.findIndex((_, i) => solo(i) && trajectory(i).verdict?.kind === 'failed');
    trajectory(failed).verdict = { kind: 'passed', durationMs: 1 } as never;
    trajectory(failed).passed = true;
    // A passed unit with no steps at all.
    const empty = doc.units.findIndex((_, i) => i !== failed && trajectory(i).passed);
    trajectory(empty).steps = [];
    // A solo unit's generation (step 0) from a model the config binds to nothing, and its execution (step 1) in the other harness mode.
    const other = doc.units.findIndex((_, i) => i !== failed && i !== empty && solo(i));
    trajectory(other).steps[0]!.modelKey = 'nope:1b';
    trajectory(other).steps[1]!.mode = 'standard';
    (doc.environments as { recordedAt: string }[])[0]!.recordedAt = 'yesterday';
    const error = await rejection(json(doc));
    expect(error.message).toBe('This result file has 5 fields with a wrong type or value.');
    const byUnit: [number, string[]][] = [
      [failed, [`units[${failed}].trajectory.verdict: passed, but the deciding execution, units[${failed}].trajectory.steps[1], ended failed with NameError; a verdict is that step's outcome.`]],
      [empty, [`units[${empty}].trajectory.verdict: passed, but no step ran the code (a verdict is the deciding execution's outcome).`]],
      [
        other,
        [
          `units[${other}].trajectory.steps[0].modelKey: "nope:1b" is bound to no model in config.models (llama3.2:3b).`,
          `units[${other}].trajectory.steps[1].mode: "standard" differs from the study's "study".`,
        ],
      ],
    ];
    expect(error.details).toEqual([
      'environments[0].recordedAt: expected an ISO 8601 time, such as 2026-11-25T23:30:00Z, found "yesterday".',
      ...byUnit.sort((a, b) => a[0] - b[0]).flatMap(([, lines]) => lines),
    ]);
  });

  it('a config the study validator refuses, with its paths under config', async () => {
    const doc = await rawDoc();
    const arms = doc.config.arms as { pipeline: { generator: { model: string } } }[];
    arms[0]!.pipeline.generator.model = 'gpt-9';
    doc.configHash = await configHash(doc.config as never);
    expect((await rejection(json(doc))).details).toEqual(['config.models: no binding for the model key "gpt-9" that an arm uses.']);
  });

  it('a config edited after the study ran', async () => {
    const doc = await rawDoc();
    doc.config.name = 'A better name';
    const error = await rejection(json(doc));
    expect(error.message).toBe('The study config in this file was changed after the study ran: it no longer matches its configHash.');
    // A file may come from the command line as well as from a browser.
    expect(error.hint).toMatch(/from the browser that ran the study, or, for a file feedback-lab run wrote, use that file as it wrote it\.$/);
  });

  it('more steps than the limit', async () => {
    const bytes = await fileBytes(await studyResultFile());
    expect((await rejection(bytes, { maxSteps: 10 })).message).toMatch(/^The file holds \d+ steps, more than this app reads at once \(10\)\.$/);
  });
});

describe('migrations', () => {
  it('bring an older format up to date before validating it', async () => {
    // A made-up version 0 that called arms "variants": the mechanism, not a real history.
    const current = await rawDoc();
    const v0: RawDocument = { ...current, version: 0, variants: current.units };
    delete v0.units;
    const migrations = {
      ...RESULT_FILE_MIGRATIONS,
      0: ({ variants, ...rest }: RawDocument) => ({ ...rest, units: variants }),
    };
    const doc = await importResultFile(json(v0), { migrations });
    expect(doc.version).toBe(RESULT_FILE_VERSION);
    expect(doc.units).toEqual(current.units);
  });

  it('read a version-1 file (before endpoints’ served models were recorded) as it was', async () => {
    const current = await rawDoc();
    const v1: RawDocument = { ...current, version: 1 };
    const doc = await importResultFile(json(v1));
    expect(doc.version).toBe(RESULT_FILE_VERSION);
    expect(doc.environments).toEqual(current.environments);
    expect(doc.environments.every((environment) => environment.servedModels === undefined)).toBe(true);
    expect(doc.units).toEqual(current.units);
  });

  it('read a version-2 file (before study mode had its own extraction rules and kept full tracebacks) as it was', async () => {
    const current = await rawDoc();
    const doc = await importResultFile(json({ ...current, version: 2 }));
    expect(doc.version).toBe(RESULT_FILE_VERSION);
    expect(doc.units).toEqual(current.units);
  });

  it('keep study-mode extraction rules, removed thinking and full tracebacks, and refuse a rule it does not know', async () => {
    const current = await rawDoc();
    const stepsOf = (doc: { units: Record<string, unknown>[] }) =>
      doc.units.flatMap((u) => ((u.trajectory as { steps: Record<string, unknown>[] } | undefined)?.steps ?? []));
    Object.assign(stepsOf(current).find((s) => s.kind === 'generate')!, { thinkingRemoved: true });
    const steps = (await importResultFile(json(current))).units.flatMap((u) => (u.status === 'finished' ? u.trajectory.steps : []));
    expect(steps.find((s) => s.kind === 'generate')).toMatchObject({ extraction: 'study-fenced-block', thinkingRemoved: true });
    expect(steps.find((s) => s.kind === 'execute' && s.outcome.kind === 'failed')).toMatchObject({
      outcome: { fullTraceback: expect.stringMatching(/^Traceback \(most recent call last\):/) },
    });
    const unknownRule = await rawDoc();
    Object.assign(stepsOf(unknownRule).find((s) => s.kind === 'generate')!, { extraction: 'study-unterminated-fence' });
    expect((await rejection(json(unknownRule))).details?.join('\n')).toMatch(/extraction/);
  });

  it('keep what an endpoint said about its model, and refuse a malformed word of it', async () => {
    const current = await rawDoc();
    const served = ollamaServedModel();
    const environments = current.environments as Record<string, unknown>[];
    const doc = await importResultFile(json({ ...current, environments: [{ ...environments[0], servedModels: [served] }] }));
    expect(doc.environments[0]?.servedModels).toEqual([served]);
    const wrong = await rejection(json({ ...current, environments: [{ ...environments[0], servedModels: [{ ...served, contextTokens: '4k' }] }] }));
    expect(wrong.details?.join('\n')).toMatch(/environments\[0\]\.servedModels\[0\]\.contextTokens/);
  });
});
