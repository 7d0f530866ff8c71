/**
 * A search's champion turned into a Study arm: the study link the Search page offers opens the
 * Study form with the champion's pipeline as its one arm, run 5 times over the whole benchmark
 * on the search's models; a champion sending a prompt set's text is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import { championStudyLink } from '../../../src/core/search/champion-arm.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { decodeStudyLink, encodeStudyLink } from '../../../src/core/study/link.ts';
import { llmNodes } from '../../../src/core/pipeline/genome.ts';
import { PROBLEMS, fakeWorld, searchSetup } from './run-search-fixtures.ts';

async function finishedSearch() {
  const setup = { ...searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }, { id: 'search-arm' }), name: 'Laptop search' };
  const world = fakeWorld();
  const store = new MemorySearchStore();
  await runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 }, {});
  const stored = (await store.loadSearch(setup.id))!;
  return { setup, state: stored.state! };
}

describe('a search champion as a Study arm', () => {
  it('links to a study of the champion’s pipeline, 5 runs over the whole benchmark, on the search’s models', async () => {
    const { setup, state } = await finishedSearch();
    const arm = championStudyLink(setup, state);
    if (!arm.ok) throw new Error(arm.reason);
    const decoded = await decodeStudyLink(await encodeStudyLink(arm.link));
    if (!decoded.ok) throw new Error(decoded.errors.join('\n'));
    const champion = state.genomes[state.champion!.genomeId]!.pipeline;
    expect(decoded.link.arms).toHaveLength(1);
    expect(decoded.link.arms[0]!.pipeline).toEqual(champion);
    expect(decoded.link.arms[0]!.label).toBe(`Champion ${state.champion!.genomeId} of Laptop search`);
    expect(decoded.link).toMatchObject({ benchmark: 'humaneval', selection: { kind: 'all' }, repeats: 5, mode: setup.mode, engine: 'openai', endpoint: 'http://fake.invalid/v1' });
    for (const { node } of llmNodes(champion)) expect(decoded.link.modelNames[node.model]).toBe(setup.models[node.model]!.id);
  });

  it('is refused, saying why, when the champion sends a prompt set’s text', async () => {
    const { setup, state } = await finishedSearch();
    const used = llmNodes(state.genomes[state.champion!.genomeId]!.pipeline).map(({ node }) => node.prompt).find((p) => 'id' in p) as { id: string };
    const changed = { ...setup, prompts: setup.prompts.map((p) => (p.id === used.id ? { ...p, text: 'Answer tersely.' } : p)) };
    const arm = championStudyLink(changed, state);
    expect(arm).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`prompt set’s text for ${used.id.replace('.', '\\.')}.*built-in texts only`)) });
  });

  it('has nothing to link before the first generation is scored', () => {
    expect(championStudyLink({ name: 'x', benchmark: 'humaneval', mode: 'study', models: {}, prompts: [] }, { champion: null, genomes: {} })).toMatchObject({ ok: false });
  });
});
