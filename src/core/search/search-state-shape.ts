/**
 * The inner shape of a saved search state: its history, champion, species, population and this
 * generation's results, each field the pages read. readSearchState checked the top level only,
 * and a file whose champion named "constructor" (found on Object.prototype by `genomes[id]`)
 * imported, then broke the list of every stored search for good; one whose history entry lacked
 * its numbers crashed the Search page on Show (audits R215-2, R215-5). Problems are said with
 * their path, at most a few, as readSearchState says the rest.
 */
import { describeValue, isRecord } from '../pipeline/json-shape.ts';

type Check = (value: unknown, path: string, problems: string[]) => void;

const finite: Check = (value, path, problems) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path}: expected a number, found ${describeValue(value)}`);
};
const finiteOrNull: Check = (value, path, problems) => {
  if (value !== null) finite(value, path, problems);
};
const text: Check = (value, path, problems) => {
  if (typeof value !== 'string') problems.push(`${path}: expected text, found ${describeValue(value)}`);
};
const list =
  (item: Check): Check =>
  (value, path, problems) => {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected a list, found ${describeValue(value)}`);
      return;
    }
    value.forEach((entry, i) => item(entry, `${path}[${i}]`, problems));
  };
const shape =
  (fields: Record<string, Check>): Check =>
  (value, path, problems) => {
    if (!isRecord(value)) {
      problems.push(`${path}: expected an object, found ${describeValue(value)}`);
      return;
    }
    for (const [key, check] of Object.entries(fields)) check(value[key], `${path}.${key}`, problems);
  };

/** A genome id that is one of the state's own genomes (not a name Object.prototype answers to). */
function genomeIn(genomes: Record<string, unknown>): Check {
  return (value, path, problems) => {
    if (typeof value !== 'string' || !Object.hasOwn(genomes, value) || !isRecord(genomes[value])) {
      problems.push(`${path}: ${typeof value === 'string' ? `no genome ${JSON.stringify(value.slice(0, 40))} in the state` : `expected a genome id, found ${describeValue(value)}`}`);
    }
  };
}

/** Problems of the state's inner fields, in order; empty when every one has its shape. `value` has the top-level shape already. */
export function innerStateProblems(value: Record<string, unknown>): string[] {
  const genomes = value.genomes as Record<string, unknown>;
  const genome = genomeIn(genomes);
  const problems: string[] = [];
  for (const [id, entry] of Object.entries(genomes)) {
    if (!isRecord(entry) || entry.id !== id || !isRecord(entry.pipeline)) problems.push(`genomes.${id.slice(0, 40)}: expected a genome with its id and pipeline`);
  }
  list(shape({ id: genome }))(value.population, 'population', problems);
  if (value.champion !== null) shape({ genomeId: genome, generation: finite, fitness: finite, passRate: finite, iterations: finite })(value.champion, 'champion', problems);
  list(shape({ id: finite, members: list(text), bestFitness: finiteOrNull, stagnation: finite }))(value.species, 'species', problems);
  list(
    shape({
      generation: finite,
      subset: list(text),
      best: finite,
      mean: finite,
      sd: finiteOrNull,
      speciesSizes: list(shape({ id: finite, size: finite })),
      threshold: finite,
      championId: genome,
      championParents: list(text),
      championFitness: finite,
      championPassRate: finite,
      tokens: finite,
      evaluations: finite,
      activeMs: finite,
      scores: list(shape({ id: text, species: finite, nodes: finite, passRate: finite, fitness: finite, shared: finite, passRates: list(finite), iterations: finite, tokens: finite })),
    }),
  )(value.history, 'history', problems);
  for (const [key, entry] of Object.entries(value.evaluations as Record<string, unknown>)) {
    if (!isRecord(entry) || typeof entry.passed !== 'boolean') problems.push(`evaluations.${key.slice(0, 60)}: expected a result with passed, tokens and executions`);
    else {
      finite(entry.tokens, `evaluations.${key.slice(0, 60)}.tokens`, problems);
      finite(entry.executions, `evaluations.${key.slice(0, 60)}.executions`, problems);
    }
  }
  for (const key of ['usage', 'generationStartUsage'] as const) shape({ tokens: finite, evaluations: finite, activeMs: finite })(value[key], key, problems);
  list(text)(value.subset, 'subset', problems);
  list(text)(value.problemOrder, 'problemOrder', problems);
  return problems;
}
