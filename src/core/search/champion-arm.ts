/**
 * A search's champion as a Study arm: a study link (core/study/link.ts) that runs the champion's
 * pipeline 5 times over the whole benchmark, as the study re-validated its NEAT champion, on the
 * engine and models the search used. A link carries built-in prompt texts only, so a champion
 * that sends a prompt set's text cannot travel in one: the reason is given instead.
 */
import { llmNodes } from '../pipeline/genome.ts';
import { BUILTIN_PROMPTS } from '../prompts/prompt-set.ts';
import type { StudyLink } from '../study/link.ts';
import type { SearchSetup } from './search-setup.ts';
import type { SearchState } from './search-state.ts';
import { STUDY_VALIDATION_REPEATS } from './validate-champion.ts';

export type ChampionArm = { ok: true; link: StudyLink } | { ok: false; reason: string };

export function championStudyLink(setup: Pick<SearchSetup, 'name' | 'benchmark' | 'mode' | 'models' | 'prompts'>, state: Pick<SearchState, 'champion' | 'genomes'>): ChampionArm {
  const champion = state.champion;
  const genome = champion ? state.genomes[champion.genomeId] : undefined;
  if (!champion || !genome) return { ok: false, reason: 'The search has no champion yet: one is named once the first generation is scored.' };
  const nodes = llmNodes(genome.pipeline);
  for (const { node } of nodes) {
    if (!('id' in node.prompt)) continue;
    const id = node.prompt.id;
    const sent = setup.prompts.find((p) => p.id === id)?.text;
    const builtIn = BUILTIN_PROMPTS.prompts.find((p) => p.id === id)?.text;
    if (sent !== builtIn) {
      return { ok: false, reason: `The champion sends the prompt set’s text for ${id}, and a study link carries built-in texts only: load the same prompt set on the Study page and build the arm there.` };
    }
  }
  const bindings = nodes.map(({ node }) => setup.models[node.model]).filter((b) => b !== undefined);
  const endpoint = bindings.find((b) => b.engine === 'openai')?.baseUrl;
  const engine = bindings.some((b) => b.engine === 'openai') ? 'openai' : 'webllm';
  const modelNames: Record<string, string> = {};
  for (const { node } of nodes) {
    const binding = setup.models[node.model];
    if (binding) modelNames[node.model] = binding.id;
  }
  const id = `champion-${champion.genomeId}`.replace(/[^A-Za-z0-9._:@+-]/g, '-').slice(0, 80);
  return {
    ok: true,
    link: {
      name: `Champion of ${setup.name}`.slice(0, 200),
      benchmark: setup.benchmark,
      selection: { kind: 'all' },
      arms: [{ id, label: `Champion ${champion.genomeId} of ${setup.name}`.slice(0, 200), pipeline: genome.pipeline, forcedIterations: false }],
      repeats: STUDY_VALIDATION_REPEATS,
      mode: setup.mode,
      engine,
      ...(engine === 'openai' && endpoint ? { endpoint } : {}),
      modelNames,
      autorun: false,
    },
  };
}
