/**
 * A search run as one file: its setup (the `config`), its latest state and every stored
 * evaluation, so anyone can look at a search, continue it or re-validate its champion in another
 * browser. Versioned like result files; import validates everything (zod for shapes, the search's
 * own checkers for the rest) and rejects with a UserError, never half a search.
 *
 * This module loads zod: the UI imports it lazily, when a search is exported or a file opened.
 */
import * as z from 'zod';
import { validatePipeline } from '../pipeline/validate-pipeline.ts';
import type { StoredSearch } from '../ports.ts';
import type { SearchConfig } from '../search/search-config.ts';
import type { CutShortRecord, SearchEvaluationRecord, StoredSearchRecord, ValidationRequest } from '../search/search-record.ts';
import { assertRunnableSetup, searchPromptSet, type SearchSetup } from '../search/search-setup.ts';
import { evaluationKey, parseEvaluationKey, readSearchState, type SearchState } from '../search/search-state.ts';
import { UserError } from '../user-error.ts';
import { DecompressionError, gunzipBounded, gzip, isGzip } from './bounded-compression.ts';
import { gzipFileUnsupported, GzipUnsupportedError } from '../gzip-support.ts';
import { canonicalJson } from './canonical-json.ts';
import { fileNameSlug, studyTag } from './result-file-export.ts';
import { fieldPath } from './result-file-import.ts';
import { studyConfigSchema, type Same } from './study-config-schema.ts';

export const SEARCH_FILE_FORMAT = 'feedback-lab/search';
/**
 * 2: records of evaluations cut short (`kind: "cut-short"`, what they spent) and a stratified
 * rule's `columnOrder`. A version-1 file reads as it is: it has neither.
 * 3: records may say how many of their tokens are estimates (`estimatedTokens`), and a cut-short
 * record that a tab closed mid-evaluation (`interrupted`). Only a file holding either is written
 * as version 3, so the files of searches without them still open in an app that reads 2.
 */
export const SEARCH_FILE_VERSION = 3;
const READABLE_VERSIONS = [1, 2, 3] as const;

export interface SearchFile {
  format: typeof SEARCH_FILE_FORMAT;
  version: (typeof READABLE_VERSIONS)[number];
  /** ISO 8601 time of the export. */
  exported: string;
  config: SearchSetup;
  state: SearchState;
  evaluations: StoredSearchRecord[];
  validation: ValidationRequest | null;
}

const probability = z.number().min(0).max(1);
const count = z.int().min(0);

const searchConfigSchema = z.strictObject({
  populationSize: z.int().min(2),
  eliteCount: count,
  parsimony: z.number().min(0),
  problemIds: z.array(z.string()),
  subsetSize: z.int().min(1),
  subset: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rotating') }),
    z.strictObject({ kind: z.literal('stratified'), passRates: z.record(z.string(), z.number()), columnOrder: z.enum(['easiest-first', 'balanced']).optional() }),
  ]),
  evaluationsPerGenome: z.int().min(1),
  selection: z.enum(['tournament', 'species-proportional']),
  tournamentSize: z.int().min(1),
  crossoverRate: probability,
  weakerStageRate: probability,
  fitnessSharing: z.boolean(),
  mutationRates: z.strictObject({
    addStage: probability,
    addAnalyzer: probability,
    removeNode: probability,
    swapModel: probability,
    mutatePrompt: probability,
    adjustTemperature: probability,
    adjustIterations: probability,
  }),
  temperature: z.strictObject({ sigma: z.number().min(0), min: z.number().min(0), max: z.number().min(0) }),
  limits: z.strictObject({ minStages: count, maxStages: count, maxNodes: z.int().min(1) }),
  speciation: z.strictObject({
    initialThreshold: z.number(),
    thresholdRule: z.enum(['band', 'collapse']).optional(),
    targetSpecies: z.strictObject({ min: z.int().min(1), max: z.int().min(1) }),
    thresholdStep: z.number(),
    minThreshold: z.number(),
    alignStages: z.enum(['position', 'innovation']),
    stagnationLimit: count,
  }),
  modelPool: z.array(z.string()),
  promptPools: z.strictObject({ generator: z.array(z.string()), analyzer: z.array(z.string()), refiner: z.array(z.string()) }),
  maxTokens: z.int().min(1),
  evaluationTemperature: z.number().min(0).nullable(),
  topP: z.number().gt(0).max(1).nullable().optional(),
  budget: z.strictObject({ maxGenerations: z.int().min(1), maxWallMs: z.number().nullable(), maxTokens: z.number().nullable() }),
});

const study = studyConfigSchema.shape;

const setupSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  created: z.string(),
  benchmark: study.benchmark,
  datasetSha256: z.string().regex(/^[0-9a-f]{64}$/),
  selection: study.selection,
  mode: study.mode,
  limits: study.limits,
  models: study.models,
  prompts: study.prompts,
  config: searchConfigSchema,
  seed: z.number(),
  cacheCalls: z.boolean(),
});

const evaluationSchema = z.strictObject({
  key: z.string(),
  kind: z.enum(['search', 'validation']),
  generation: count.nullable(),
  genomeId: z.string(),
  problemId: z.string(),
  index: count,
  passed: z.boolean(),
  executions: count,
  stopReason: z.enum(['early-stop', 'completed', 'time-cap']),
  errorType: z.string().nullable(),
  tokens: z.number().min(0),
  modelCalls: count,
  cachedCalls: count,
  ms: z.number().min(0),
  estimatedTokens: z.number().min(0).optional(),
});

const cutShortSchema = z.strictObject({
  key: z.string(),
  kind: z.literal('cut-short'),
  evaluation: z.string(),
  generation: count.nullable(),
  genomeId: z.string(),
  problemId: z.string(),
  index: count,
  tokens: z.number().min(0),
  modelCalls: count,
  cachedCalls: count,
  ms: z.number().min(0),
  estimatedTokens: z.number().min(0).optional(),
  interrupted: z.literal(true).optional(),
});

const validationSchema = z.strictObject({
  scope: z.enum(['champion', 'per-generation']),
  repeats: z.int().min(1),
  problemIds: z.array(z.string()),
});

const fileSchema = z.strictObject({
  format: z.literal(SEARCH_FILE_FORMAT),
  version: z.union(READABLE_VERSIONS.map((v) => z.literal(v))),
  exported: z.string(),
  config: setupSchema,
  // The state is checked by the search's own reader (readSearchState) and the checks below.
  state: z.record(z.string(), z.unknown()),
  evaluations: z.array(z.union([evaluationSchema, cutShortSchema])),
  validation: validationSchema.nullable(),
});

type Expect<T extends true> = T;
export type SearchFileSchemaChecks = [
  Expect<Same<z.infer<typeof searchConfigSchema>, SearchConfig>>,
  Expect<Same<z.infer<typeof setupSchema>, SearchSetup>>,
  Expect<Same<z.infer<typeof evaluationSchema>, SearchEvaluationRecord>>,
  Expect<Same<z.infer<typeof cutShortSchema>, CutShortRecord>>,
  Expect<Same<z.infer<typeof validationSchema>, ValidationRequest>>,
];

/** A stored search as a file; it must have a state snapshot. */
export function buildSearchFile(stored: StoredSearch, exported: Date = new Date()): SearchFile {
  if (!stored.state) throw new Error('This search has not started yet: there is nothing to export.');
  const needsThree = stored.evaluations.some((r) => r.estimatedTokens !== undefined || (r.kind === 'cut-short' && r.interrupted));
  return {
    format: SEARCH_FILE_FORMAT,
    version: needsThree ? SEARCH_FILE_VERSION : 2,
    exported: exported.toISOString(),
    config: stored.setup,
    state: stored.state,
    evaluations: [...stored.evaluations].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    validation: stored.validation,
  };
}

/** Canonical JSON (two exports of one search are byte-identical), optionally gzip. */
export async function exportSearchFile(doc: SearchFile, options: { gzip: boolean }): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(canonicalJson(doc, { firstKeys: ['format', 'version'] }));
  return options.gzip ? gzip(bytes) : bytes;
}

/**
 * `feedback-lab-search-<name>-<tag>-<date>[-partial-generation-<g>].json[.gz]`, the tag as in
 * result file names (two searches of one name differ), and, for a search not done, the generation
 * it had reached (numbered as the Search page numbers them, from 0): as with result files, an
 * export half-way and the finished one of the same day no longer share a name.
 */
export function searchFileName(
  search: { id: string; name: string },
  options: { gzip: boolean; date?: Date; state?: Pick<SearchState, 'status' | 'generation'> },
): string {
  const date = (options.date ?? new Date()).toISOString().slice(0, 10);
  const partial = options.state && options.state.status !== 'done' ? `-partial-generation-${options.state.generation}` : '';
  return `feedback-lab-search-${fileNameSlug(search.name) || 'run'}-${studyTag(search.id)}-${date}${partial}.json${options.gzip ? '.gz' : ''}`;
}

export const SEARCH_FILE_MAX_BYTES = 256 * 1024 * 1024;
const LISTED = 10;
const GENOME_ID = /^g\d+-\d+$/;

export async function importSearchFile(bytes: Uint8Array, options: { maxBytes?: number } = {}): Promise<SearchFile> {
  const raw = parse(await decode(bytes, options.maxBytes ?? SEARCH_FILE_MAX_BYTES));
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== SEARCH_FILE_FORMAT) {
    const format = (raw as { format?: unknown } | null)?.format;
    throw new UserError(
      `This is not a Feedback Lab search file: ${typeof format === 'string' ? `its format is "${format.slice(0, 60)}"` : 'it has no "format" field'}.`,
      format === 'feedback-lab/results' ? 'It is a study result file: open it on the Results page, or import it on the Study page to resume it.' : 'Choose a .json or .json.gz file exported from the Search page.',
    );
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > SEARCH_FILE_VERSION) {
    throw new UserError(
      `This search file was made by a newer Feedback Lab (format ${version}): update this app to open it.`,
      `This copy of the app reads search file formats up to ${SEARCH_FILE_VERSION}. Reload the page to get the newest version (close the app’s other tabs if it stays the same), then open the file again.`,
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw wrongShape(parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`));
  }
  const doc = parsed.data;
  const problems: string[] = [];
  let state: SearchState | null = null;
  try {
    assertRunnableSetup(doc.config);
    state = readSearchState(doc.state);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (state) problems.push(...crossChecks(doc.config, state, doc.evaluations));
  if (problems.length > 0 || !state) throw wrongShape(problems);
  return { ...doc, state };
}

/** What the shapes cannot say: the state belongs to the setup, genomes are runnable, records fit. */
function crossChecks(setup: SearchSetup, state: SearchState, evaluations: readonly StoredSearchRecord[]): string[] {
  const problems: string[] = [];
  const withoutBudget = (c: SearchConfig) => canonicalJson({ ...c, budget: null });
  if (withoutBudget(state.config) !== withoutBudget(setup.config)) problems.push('state.config: it differs from the search config (beyond its budget).');
  if (state.seed !== setup.seed) problems.push('state.seed: it differs from config.seed.');
  const promptSet = searchPromptSet(setup);
  for (const [id, genome] of Object.entries(state.genomes)) {
    if (!GENOME_ID.test(id) || genome.id !== id) {
      problems.push(`state.genomes: "${id.slice(0, 40)}" is not a genome id of a search.`);
      continue;
    }
    const checked = validatePipeline(genome.pipeline, { promptSet });
    if (!checked.ok || checked.pipeline.kind !== 'refine') problems.push(`state.genomes.${id}.pipeline: ${checked.ok ? 'not a refine pipeline' : checked.errors[0]}`);
  }
  const seen = new Set<string>();
  for (const [i, r] of evaluations.entries()) {
    if (seen.has(r.key)) problems.push(`evaluations[${i}].key: "${r.key.slice(0, 60)}" appears twice.`);
    seen.add(r.key);
    if (!Object.hasOwn(state.genomes, r.genomeId)) problems.push(`evaluations[${i}].genomeId: no genome ${r.genomeId.slice(0, 40)} in the state.`);
    const parts = r.kind === 'search' ? parseEvaluationKey(r.key) : null;
    if (r.kind === 'search' && (!parts || parts.generation !== r.generation || parts.genomeId !== r.genomeId || parts.problemId !== r.problemId)) {
      problems.push(`evaluations[${i}].key: it does not name the record's generation, genome and problem.`);
    }
    if (r.kind === 'validation' && (r.generation !== null || r.key !== `${r.genomeId}|${r.index}|${r.problemId}`)) {
      problems.push(`evaluations[${i}]: a validation record is keyed genome|repeat|problem and has no generation.`);
    }
    if (r.kind === 'cut-short') {
      const of = r.generation === null ? `${r.genomeId}|${r.index}|${r.problemId}` : evaluationKey(r.generation, r.genomeId, r.index, r.problemId);
      if (r.evaluation !== of || !/^cut\d+\|/.test(r.key) || r.key.slice(r.key.indexOf('|') + 1) !== of) {
        problems.push(`evaluations[${i}]: a cut-short record is keyed cut<n>|<its evaluation's key> and names that evaluation's generation, genome and problem.`);
      }
    }
  }
  return problems;
}

async function decode(bytes: Uint8Array, maxBytes: number): Promise<string> {
  if (bytes.length === 0) throw new UserError('The file is empty.', 'Choose a search file exported from the Search page (.json or .json.gz).');
  if (bytes.length > maxBytes) throw new UserError('The file is too big to be a search file this app can read.', 'Open a smaller export.');
  let plain = bytes;
  if (isGzip(bytes)) {
    try {
      plain = await gunzipBounded(bytes, maxBytes);
    } catch (error) {
      if (error instanceof DecompressionError && error.reason === 'too-big') throw new UserError('The file decompresses to more than this app reads.', 'Open a smaller export.');
      if (error instanceof GzipUnsupportedError) throw gzipFileUnsupported();
      throw new UserError('The file is truncated or not gzip: it starts like a .gz file but does not decompress.', 'Download or copy the file again.');
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new UserError('This is not a Feedback Lab search file: it is not text.', 'Choose the .json or .json.gz file exported from the Search page.');
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new UserError('The file is not valid JSON.', 'Was it edited by hand? Export it again from the Search page.', [`JSON: ${(error as Error).message}`]);
  }
}

function wrongShape(problems: readonly string[]): UserError {
  const listed = problems.slice(0, LISTED);
  const more = problems.length > LISTED ? [`…and ${problems.length - LISTED} more.`] : [];
  return new UserError(
    problems.length === 1 ? 'This search file has a field with a wrong type or value.' : `This search file has ${problems.length} problems.`,
    'Was it edited by hand or written by another program? Export it again from the Search page.',
    [...listed, ...more],
  );
}
