/**
 * `neat_runs/*_champion.json`: the best genome of each completed NEAT-inspired search run (the
 * paper's Table 8: v2, v3, temp0), with its search-time fitness.
 */
import { asCount, asNumber, asString, field, items, rootCursor, type Cursor } from './read-json.ts';

export interface ReleasedNode {
  model: string;
  systemPrompt: string;
  temperature: number;
}

export interface ReleasedStage {
  innovation: number;
  maxIterations: number;
  analyzer: ReleasedNode | null;
  refiner: ReleasedNode;
}

export interface ReleasedChampion {
  /** Run name, from the file name: `v3` for v3_champion.json. */
  run: string;
  /** Search-time fitness: passed / 25 − 0.02 × node count on that generation's 25 problems. */
  fitness: number;
  /** Mean iterations used per problem during search, as released. */
  meanIterationsUsed: number;
  /** The study's one-line description, e.g. `gen(qwen2.5) → exec(iters=3) → analyze(llama3.2) → refine(llama3.2)`. */
  topology: string;
  generator: ReleasedNode;
  stages: ReleasedStage[];
}

function readNode(cursor: Cursor): ReleasedNode {
  return {
    model: asString(field(cursor, 'model')),
    systemPrompt: asString(field(cursor, 'system_prompt')),
    temperature: asNumber(field(cursor, 'temperature')),
  };
}

/** `v3_champion.json` → `v3`; so is `v3_champion (1).json`, as a browser names a second download. */
export function championRunName(fileName: string): string {
  return fileName
    .replace(/^.*\//, '')
    .replace(/\s*\(\d+\)(?=\.json$)/, '')
    .replace(/_champion\.json$/, '')
    .replace(/\.json$/, '');
}

/** Validates and types one parsed champion file. Throws ReleasedFileError on any surprise. */
export function readChampion(json: unknown, fileName: string): ReleasedChampion {
  const root = rootCursor(`neat_runs/${fileName.replace(/^.*\//, '')}`, json);
  const genome = field(root, 'genome');
  return {
    run: championRunName(fileName),
    fitness: asNumber(field(root, 'fitness')),
    meanIterationsUsed: asNumber(field(genome, 'total_iterations')),
    topology: asString(field(genome, 'topology')),
    generator: readNode(field(genome, 'generator')),
    stages: items(field(genome, 'stages')).map((s) => {
      const analyzer = field(s, 'analyzer');
      return {
        innovation: asCount(field(s, 'innovation')),
        maxIterations: asCount(field(s, 'max_iterations')),
        analyzer: analyzer.value === null ? null : readNode(analyzer),
        refiner: readNode(field(s, 'refiner')),
      };
    }),
  };
}

/**
 * Nodes as the parsimony penalty counts them: the generator, then per stage an executor, a
 * refiner and the analyzer if any (the paper: "a 5-node genome loses 0.10").
 */
export function championNodeCount(champion: ReleasedChampion): number {
  return 1 + champion.stages.reduce((n, s) => n + 2 + (s.analyzer ? 1 : 0), 0);
}

/** Refinement iterations available: Σ max_iterations over stages (the paper's "Itrs" column). */
export function championIterations(champion: ReleasedChampion): number {
  return champion.stages.reduce((n, s) => n + s.maxIterations, 0);
}

/**
 * Problems solved in the search generation that produced the fitness:
 * passed = (fitness + 0.02 × nodes) × 25, rounded (fitness was printed through floats).
 */
export function impliedSearchPasses(champion: ReleasedChampion, subsetSize = 25, penaltyPerNode = 0.02): number {
  return Math.round((champion.fitness + penaltyPerNode * championNodeCount(champion)) * subsetSize);
}
