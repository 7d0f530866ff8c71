/**
 * What the search's own bookkeeping costs on the thread that drives it (the page's main thread
 * in the browser), against the study's size as the baseline (population 20, subsets of 25):
 *
 * - per evaluation recorded, at several evaluations per generation (population × subset): the
 *   state machine copies the generation's results at each record, so this grows with the size;
 * - the state's size and the time to copy it (structured clone, what an IndexedDB put does)
 *   as genomes accumulate over generations.
 *
 * The Search form's limits (src/core/search/search-limits.ts, docs/search.md) come from here.
 *
 *   node --import tsx bench/search-bookkeeping.ts [--populations 20,200,1000] [--generations 10]
 */
import { parseArgs } from 'node:util';
import { studySearchConfig } from '../src/core/search/search-config.ts';
import { advanceGeneration, initSearch, nextEvaluations, recordEvaluation, recordEvaluations } from '../src/core/search/search.ts';

const { values } = parseArgs({ options: { populations: { type: 'string', default: '20,200,500,1000' }, generations: { type: 'string', default: '10' } } });
const populations = values.populations.split(',').map(Number);
const problemIds = Array.from({ length: 164 }, (_, i) => `HumanEval/${i}`);

/** Microseconds per recordEvaluation over one whole generation of `population` × 25. */
function perRecordUs(population: number): { evaluations: number; us: number } {
  let state = initSearch(studySearchConfig(problemIds, { populationSize: population, subsetSize: 25 }), 1);
  const requests = nextEvaluations(state);
  const started = performance.now();
  requests.forEach((r, i) => {
    state = recordEvaluation(state, { key: r.key, passed: i % 3 === 0, tokens: 100, executions: 1 });
  });
  return { evaluations: requests.length, us: (1000 * (performance.now() - started)) / requests.length };
}

perRecordUs(20); // warm-up: the first run pays for compiling
const baseline = perRecordUs(20);
console.log(`Recording one evaluation (baseline: the study's 20 × 25 = ${baseline.evaluations}, ${baseline.us.toFixed(0)} µs)`);
for (const population of populations) {
  const { evaluations, us } = perRecordUs(population);
  console.log(`  population ${population} (${evaluations} per generation): ${(us / 1000).toFixed(2)} ms each, ×${(us / baseline.us).toFixed(1)}; ${((us * evaluations) / 1e6).toFixed(1)} s per generation`);
}

const population = Math.max(...populations);
const generations = Number(values.generations);
console.log(`State kept over ${generations} generations at population ${population}`);
let state = initSearch(studySearchConfig(problemIds, { populationSize: population, subsetSize: 25, budget: { maxGenerations: generations, maxWallMs: null, maxTokens: null } }), 1);
for (let g = 0; g < generations; g++) {
  state = recordEvaluations(state, nextEvaluations(state).map((r, i) => ({ key: r.key, passed: (i * 7919) % 5 < 2, tokens: 100, executions: 1 })));
  state = advanceGeneration(state);
  const started = performance.now();
  structuredClone(state);
  const cloneMs = performance.now() - started;
  const genomes = Object.keys(state.genomes).length;
  const mb = JSON.stringify(state).length / 1e6;
  console.log(`  after generation ${g}: ${genomes} genomes, ${mb.toFixed(1)} MB (${((1e6 * mb) / genomes).toFixed(0)} bytes a genome), copied in ${cloneMs.toFixed(0)} ms`);
}
