/**
 * Search runs as files: what a finished or half-run search exports imports back the same, and a
 * file that is not one, is from a newer app, or was tampered with is refused with a sentence.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSearchFile,
  exportSearchFile,
  importSearchFile,
  searchFileName,
  SEARCH_FILE_VERSION,
  type SearchFile,
} from '../../../src/core/results/search-file.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { runValidation } from '../../../src/core/search/run-validation.ts';
import { studyTag } from '../../../src/core/results/result-file-export.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { PROBLEMS, fakeWorld, searchSetup } from './run-search-fixtures.ts';

let doc: SearchFile;

beforeAll(async () => {
  const setup = searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } });
  const world = fakeWorld();
  const store = new MemorySearchStore();
  const ports = { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 };
  await runSearch(setup, PROBLEMS, ports);
  await runValidation(setup, PROBLEMS, ports, { scope: 'champion', repeats: 1, problemIds: PROBLEMS.map((p) => p.id) });
  doc = buildSearchFile((await store.loadSearch(setup.id))!, new Date('2026-05-02T12:00:00Z'));
});

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

async function refusal(value: unknown): Promise<UserError> {
  const error = await importSearchFile(value instanceof Uint8Array ? value : encode(value)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('search files', () => {
  it('import what they export, plain and gzip, byte-identical on a second export', async () => {
    for (const gzip of [false, true]) {
      const bytes = await exportSearchFile(doc, { gzip });
      expect(await importSearchFile(bytes)).toEqual(doc);
      expect(await exportSearchFile(await importSearchFile(bytes), { gzip: false })).toEqual(await exportSearchFile(doc, { gzip: false }));
    }
    expect(doc.evaluations.filter((e) => e.kind === 'validation')).toHaveLength(PROBLEMS.length);
    expect(doc.validation?.scope).toBe('champion');
  });

  it('import a file written before the species threshold rule existed (it ran the paper band)', async () => {
    const older = structuredClone(doc);
    for (const config of [older.config.config, older.state.config]) delete config.speciation.thresholdRule;
    const read = await importSearchFile(encode(older));
    expect(read.state.config.speciation.thresholdRule).toBeUndefined();
    const kinds = (await refusal({ ...older, config: { ...older.config, config: { ...older.config.config, speciation: { ...older.config.config.speciation, thresholdRule: 'often' } } } })).details;
    expect(kinds.join(' ')).toMatch(/speciation\.thresholdRule/);
  });

  /** A record of what a run of the file's first search evaluation spent before it was cut short. */
  function cutShort<T extends { tokens: number; modelCalls: number; ms: number }>(spent: T) {
    const evaluation = doc.evaluations.find((e) => e.kind === 'search');
    if (!evaluation || evaluation.kind !== 'search' || evaluation.generation === null) throw new Error('expected a search evaluation');
    const { key, generation, genomeId, problemId, index } = evaluation;
    return { key: `cut0|${key}`, kind: 'cut-short' as const, evaluation: key, generation, genomeId, problemId, index, cachedCalls: 0, ...spent };
  }

  it('carry what evaluations cut short spent, and read a version-1 file (written before such records) as it is', async () => {
    const spent = cutShort({ tokens: 120, modelCalls: 1, ms: 40 });
    const withSpend: SearchFile = { ...doc, evaluations: [...doc.evaluations, spent] };
    expect(doc.version).toBe(2);
    expect((await importSearchFile(await exportSearchFile(withSpend, { gzip: false }))).evaluations).toContainEqual(spent);
    expect((await importSearchFile(encode({ ...doc, version: 1 }))).version).toBe(1);
    const wrong = await refusal({ ...withSpend, evaluations: [...doc.evaluations, { ...spent, key: `cut0|0|g0-99|0|${spent.problemId}` }] });
    expect(wrong.details.join(' ')).toMatch(/cut-short record is keyed cut<n>\|<its evaluation's key>/);
  });

  it('write version 3 only when a record says how many tokens are estimates or that a tab closed mid-evaluation, and read it back', async () => {
    expect(doc.version).toBe(2);
    const interrupted = cutShort({ tokens: 130, estimatedTokens: 30, modelCalls: 2, ms: 40, interrupted: true as const });
    const stored = { setup: doc.config, status: 'paused' as const, state: doc.state, evaluations: [...doc.evaluations, interrupted], validation: doc.validation };
    const three = buildSearchFile(stored);
    expect(three.version).toBe(3);
    expect((await importSearchFile(await exportSearchFile(three, { gzip: false }))).evaluations).toContainEqual(interrupted);
  });

  it('refuse a file of a later format saying it was made by a newer Feedback Lab and how to update, not that a field is wrong', async () => {
    // A later format may hold fields this app does not know: the version is read before the shape.
    const later = SEARCH_FILE_VERSION + 1;
    const future = await refusal({ ...doc, version: later, evaluations: [{ ...doc.evaluations[0], fieldOfTheFuture: 12 }] });
    expect(future.message).toBe(`This search file was made by a newer Feedback Lab (format ${later}): update this app to open it.`);
    expect(future.hint).toBe(
      `This copy of the app reads search file formats up to ${SEARCH_FILE_VERSION}. Reload the page to get the newest version (close the app’s other tabs if it stays the same), then open the file again.`,
    );
    expect(future.details).toEqual([]);
  });

  it('are named after the search, its tag and the day: two searches of one name get two names', () => {
    const date = new Date('2026-05-02T00:00:00Z');
    const name = searchFileName({ id: 'search-1', name: 'My Search: k = 3' }, { gzip: true, date });
    expect(name).toBe(`feedback-lab-search-my-search-k-3-${studyTag('search-1')}-2026-05-02.json.gz`);
    expect(searchFileName({ id: 'search-2', name: 'My Search: k = 3' }, { gzip: true, date })).not.toBe(name);
  });

  it('say how far a search not done had got, so an export half-way and the finished one get two names', () => {
    const date = new Date('2026-05-02T00:00:00Z');
    const search = { id: 'search-1', name: 'k3' };
    const halfWay = searchFileName(search, { gzip: false, date, state: { status: 'evaluating', generation: 2 } });
    expect(halfWay).toBe(`feedback-lab-search-k3-${studyTag('search-1')}-2026-05-02-partial-generation-2.json`);
    expect(searchFileName(search, { gzip: false, date, state: { status: 'done', generation: 4 } })).toBe(`feedback-lab-search-k3-${studyTag('search-1')}-2026-05-02.json`);
  });

  it('refuse files that are not search files', async () => {
    expect((await refusal(new Uint8Array())).message).toMatch(/empty/);
    expect((await refusal(new TextEncoder().encode('{"format": '))).message).toMatch(/not valid JSON/);
    expect((await refusal({ format: 'feedback-lab/results', version: 1 })).hint).toMatch(/Results page.*Study page/);
    expect((await refusal({ ...doc, version: 9 })).message).toMatch(/newer Feedback Lab/);
  });

  it('refuse a wrong field, naming where it is', async () => {
    const broken = structuredClone(doc) as unknown as { config: { config: { populationSize: unknown } } };
    broken.config.config.populationSize = 'twenty';
    const error = await refusal(broken);
    expect(error.details.join(' ')).toMatch(/config\.config\.populationSize/);
  });

  it('refuse a state that belongs to another search, or genomes that cannot run', async () => {
    const other = structuredClone(doc);
    other.state.config = { ...other.state.config, parsimony: 0.5 };
    expect((await refusal(other)).details.join(' ')).toMatch(/differs from the search config/);

    const hostile = structuredClone(doc);
    const [id] = Object.keys(hostile.state.genomes);
    const genome = hostile.state.genomes[id!]!;
    hostile.state.genomes['<img src=x onerror=alert(1)>'] = { ...genome, id: '<img src=x onerror=alert(1)>' };
    expect((await refusal(hostile)).details.join(' ')).toMatch(/not a genome id/);

    const unknownPrompt = structuredClone(doc);
    unknownPrompt.state.genomes[id!]!.pipeline.generator.prompt = { id: 'nowhere.prompt' };
    expect((await refusal(unknownPrompt)).details.length).toBeGreaterThan(0);
  });

  it('refuse evaluations whose keys do not fit their records', async () => {
    const tampered = structuredClone(doc);
    tampered.evaluations[0] = { ...tampered.evaluations[0]!, genomeId: 'g9-9' };
    expect((await refusal(tampered)).details.length).toBeGreaterThan(0);
    const doubled = structuredClone(doc);
    doubled.evaluations.push(doubled.evaluations[0]!);
    expect((await refusal(doubled)).details.join(' ')).toMatch(/appears twice/);
  });
});
