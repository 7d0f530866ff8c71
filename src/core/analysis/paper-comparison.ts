/**
 * "Did my runs reproduce the paper?": every arm of the open studies that is one of the study's
 * six Table 1 arms, over a whole benchmark, beside the number the paper printed for it.
 *
 * An arm is recognised by what decides its results, not by its name: the pipeline's shape (kind,
 * which model at each node, stages, iterations, analyzers, early stopping) equal to one of the
 * presets that transcribe the paper's arms. Prompt texts are not compared (the app's role
 * prompts are its own words; anyone may load the study's), and forced-iteration arms are not
 * Table 1 arms. Everything else that differs from the paper's set-up — harness, time limits,
 * temperatures, token caps, context, the engine and quantization of each model — is listed
 * beside the numbers, computed from the config, so a gap can be read against its likely causes.
 * What the config cannot tell (an endpoint's context is its server's) is said, not assumed equal.
 */
import { BENCHMARK_NAMES } from '../benchmarks/task-id.ts';
import type { LlmNode, Pipeline, RefinePipeline } from '../pipeline/genome.ts';
import type { ResultServedModel } from '../results/result-file.ts';
import { coderSelfRefine, coderSolo, llamaSelfRefine, llamaSolo, neatV3Champion, qwenToLlama } from '../pipeline/presets.ts';
import {
  BENCHMARK_PROBLEMS,
  PAPER_ARM_LABEL,
  PRINTED_TABLE1,
  type PaperArm,
  type PrintedArmResult,
} from '../reproduce/paper-printed.ts';
import { separation } from '../stats/sigma.ts';
import { welchTest } from '../stats/welch.ts';
import { STUDY_DEFAULT_LIMITS, STUDY_DEFAULT_SAMPLING, type StudyConfig } from '../study/config.ts';
import { armSummaries } from './arm-tables.ts';
import { bonferroniLevel, formatLevel, formatP } from './pair-tables.ts';
import type { LoadedStudies } from './result-file-study.ts';
import { meanSdCell, meanSdCsvLabels, numberCell, textCell, type Cell, type Table } from './table.ts';

/** The presets that transcribe the paper's Table 1 arms. */
const PAPER_PIPELINES: readonly { arm: PaperArm; pipeline: RefinePipeline }[] = [
  { arm: 'llama-solo', pipeline: llamaSolo },
  { arm: 'llama-self-refine', pipeline: llamaSelfRefine },
  { arm: 'qwen-llama', pipeline: qwenToLlama },
  { arm: 'neat-v3', pipeline: neatV3Champion },
  { arm: 'coder-solo', pipeline: coderSolo },
  { arm: 'coder-self-refine', pipeline: coderSelfRefine },
];

/** The paper ran every model through Ollama at this quantization. */
const PAPER_QUANTIZATION = 'Q4_K_M';
const PAPER_RUNS = 5;
/** Where the Welch p sits in the table's rows (see the columns below). */
const WELCH_P_COLUMN = 7;

/** What decides an arm's results besides prompts and sampling: equal shapes are the same arm. */
function shape(pipeline: Pipeline): string | null {
  if (pipeline.kind !== 'refine') return null;
  return JSON.stringify([
    pipeline.generator.model,
    pipeline.stages.map((s) => [s.maxIterations, s.analyzer?.model ?? null, s.refiner.model]),
    pipeline.earlyStopping,
  ]);
}

/** The paper arm a pipeline is, if any. */
export function paperArmOf(pipeline: Pipeline): { arm: PaperArm; pipeline: RefinePipeline } | null {
  const own = shape(pipeline);
  return own === null ? null : (PAPER_PIPELINES.find((p) => shape(p.pipeline) === own) ?? null);
}

/** Each node of the pipeline with its role, in order, to compare sampling node by node. */
function nodes(pipeline: RefinePipeline): { role: string; node: LlmNode }[] {
  return [
    { role: 'generator', node: pipeline.generator },
    ...pipeline.stages.flatMap((s, i) => {
      const at = pipeline.stages.length > 1 ? ` ${i + 1}` : '';
      return [...(s.analyzer ? [{ role: `analyzer${at}`, node: s.analyzer }] : []), { role: `refiner${at}`, node: s.refiner }];
    }),
  ];
}

/** Sentences naming every way this arm's set-up differs from the paper's. */
export function setupDifferences(
  config: StudyConfig,
  pipeline: RefinePipeline,
  paper: RefinePipeline,
  servedModels: readonly ResultServedModel[] = [],
): string[] {
  const out: string[] = [];
  if (config.mode !== 'study') {
    out.push(
      config.benchmark === 'humaneval'
        ? 'standard harness (the prompt goes before the code); the paper ran the code alone, which fails more HumanEval problems'
        : // MBPP's two layouts run the same code and asserts (harness/assemble-program.ts): nothing goes before the code.
          "standard harness (on MBPP the paper's code and asserts with fewer blank lines between them: only the traceback line numbers the refiner reads differ)",
    );
  }
  const seconds = (ms: number) => `${ms / 1000} s`;
  if (config.limits.timeoutMs !== STUDY_DEFAULT_LIMITS.timeoutMs) {
    out.push(`time limit ${seconds(config.limits.timeoutMs)} (paper ${seconds(STUDY_DEFAULT_LIMITS.timeoutMs)})`);
  }
  if (config.limits.problemTimeCapMs !== STUDY_DEFAULT_LIMITS.problemTimeCapMs) {
    out.push(`cap per problem ${seconds(config.limits.problemTimeCapMs)} (paper ${seconds(STUDY_DEFAULT_LIMITS.problemTimeCapMs)})`);
  }
  out.push(...contextDifferences(config, paper, servedModels));
  if (config.sampling.topP !== STUDY_DEFAULT_SAMPLING.topP) {
    out.push(`top-p ${config.sampling.topP ?? "the engine's default"} (paper ${STUDY_DEFAULT_SAMPLING.topP}, Ollama's default)`);
  }
  // Seeded calls repeat themselves, so the runs' SD measures less of what the paper's SD did.
  if (config.seeds.sampling !== null) out.push(`sampling seed ${config.seeds.sampling} (paper: no seed)`);
  const theirs = nodes(paper);
  for (const [i, { role, node }] of nodes(pipeline).entries()) {
    const ref = theirs[i]?.node;
    if (!ref) continue;
    if (node.temperature !== ref.temperature) out.push(`${role} T = ${node.temperature} (paper ${ref.temperature})`);
    if (node.maxTokens !== ref.maxTokens) out.push(`${role} max ${node.maxTokens} tokens (paper ${ref.maxTokens})`);
  }
  const keys = [...new Set(theirs.map((n) => n.node.model))];
  for (const key of keys) {
    const binding = config.models[key];
    if (!binding) continue;
    if (binding.engine === 'webllm') {
      const quant = binding.quantization ?? /q\d+f\d+(?:_\d+)?/.exec(binding.id)?.[0] ?? 'unknown quantization';
      out.push(`${key} ran in WebLLM as ${binding.id} (${quant}; paper: Ollama ${PAPER_QUANTIZATION})`);
    } else if (binding.engine === 'openai') {
      // The key is the paper's Ollama tag; an endpoint may have been asked for another model.
      if (binding.id !== key) out.push(`${key} served as ${binding.id}`);
      // What the server said it ran outranks what the study was told.
      const served = servedFor(servedModels, binding.id).find((report) => report.quantization !== null)?.quantization;
      const quantization = served ?? binding.quantization;
      if (quantization && quantization.toUpperCase() !== PAPER_QUANTIZATION) {
        out.push(`${key} at ${quantization} (paper ${PAPER_QUANTIZATION})`);
      }
    } else if (binding.engine === 'replay') {
      out.push(`${key} replayed from a result file`);
    }
  }
  return out;
}

/** The reports of the model an endpoint served under `id`. */
function servedFor(servedModels: readonly ResultServedModel[], id: string): ResultServedModel[] {
  return servedModels.filter((report) => report.model === id);
}

/**
 * The context window, where it can differ. WebLLM loads a model with the study's
 * `sampling.contextWindowTokens`; an endpoint's context is its server's setting (Ollama's,
 * llama.cpp's or vLLM's), which no request carries. Ollama reports it for a loaded model, and the
 * result file then records it (`environments[].servedModels`); otherwise it is never reported as
 * matching. A replayed reply was made under another run's context: nothing to say.
 */
function contextDifferences(config: StudyConfig, paper: RefinePipeline, servedModels: readonly ResultServedModel[]): string[] {
  const paperTokens = STUDY_DEFAULT_SAMPLING.contextWindowTokens;
  const keys = [...new Set(nodes(paper).map(({ node }) => node.model))];
  const engines = new Set(keys.map((key) => config.models[key]?.engine));
  const out: string[] = [];
  if (engines.has('webllm') && config.sampling.contextWindowTokens !== paperTokens) {
    out.push(`context ${config.sampling.contextWindowTokens} tokens${engines.has('openai') ? ' in WebLLM' : ''} (paper ${paperTokens})`);
  }
  const endpointKeys = keys.filter((key) => config.models[key]?.engine === 'openai');
  const reports = endpointKeys.map((key) => ({ key, reports: servedFor(servedModels, config.models[key]?.id ?? key) }));
  if (reports.length > 0 && reports.every((r) => r.reports.length > 0)) {
    for (const { key, reports: mine } of reports) {
      const contexts = [...new Set(mine.map((r) => r.contextTokens))];
      const who = endpointKeys.length > 1 ? `${key} ` : '';
      if (contexts.includes(null)) {
        const why = mine.find((r) => r.contextTokens === null)?.unknownBecause ?? 'the server did not say';
        out.push(`${who}context: the endpoint server's own setting, not reported (${why}) (paper ${paperTokens} tokens)`);
      } else if (contexts.some((tokens) => tokens !== paperTokens)) {
        out.push(`${who}context ${contexts.join(' and ')} tokens on Ollama (paper ${paperTokens})`);
      }
    }
  } else if (engines.has('openai')) {
    out.push(`context: the endpoint server's own setting, unknown to the study (paper ${paperTokens} tokens)`);
  }
  return out;
}

export interface PaperComparison {
  table: Table | null;
  /** Arms that are the paper's but cannot be compared, each with why. */
  notes: string[];
}

/** The "beside the paper" table of the open studies, or null with notes when no arm qualifies. */
export function paperComparison(loaded: LoadedStudies): PaperComparison {
  const rows: Cell[][] = [];
  const notes: string[] = [];
  let tests = 0;
  for (const summary of armSummaries(loaded.study)) {
    const origin = loaded.origins.get(summary.arm.id);
    if (!origin || origin.arm.forcedIterations) continue;
    const match = paperArmOf(origin.arm.pipeline);
    if (!match || origin.arm.pipeline.kind !== 'refine') continue;
    const { config } = origin;
    const label = summary.arm.label;
    const printed = PRINTED_TABLE1.find((r) => r.arm === match.arm)?.[config.benchmark] ?? null;
    const total = BENCHMARK_PROBLEMS[config.benchmark];
    if (printed === null) {
      notes.push(`${label} is the paper's ${PAPER_ARM_LABEL[match.arm]}, which the paper did not run on ${BENCHMARK_NAMES[config.benchmark]}.`);
      continue;
    }
    if (config.problemIds.length !== total) {
      notes.push(
        `${label} is the paper's ${PAPER_ARM_LABEL[match.arm]} but ran ${config.problemIds.length} of ${total} ${BENCHMARK_NAMES[config.benchmark]} ` +
          'problems; the paper\'s numbers are over all of them, so they are not compared.',
      );
      continue;
    }
    if (summary.passCounts.length === 0) {
      notes.push(`${label} is the paper's ${PAPER_ARM_LABEL[match.arm]} but has no complete run yet.`);
      continue;
    }
    const row = comparisonRow(label, match.arm, printed, summary.passCounts, summary.mean, summary.sd);
    if (row.tested) tests++;
    rows.push([...row.cells, textCell(setupDifferences(config, origin.arm.pipeline, match.pipeline, origin.servedModels).join('; ') || 'none')]);
  }
  if (rows.length === 0) return { table: null, notes };
  const tableNotes = [
    `Paper: mean ± SD of its ${PAPER_RUNS} runs as printed in its Table 1 (rounded to 0.1), with every model served by Ollama at ${PAPER_QUANTIZATION}. ` +
      'Arms are matched by pipeline shape (models, stages, iterations, analyzers, early stopping); prompt texts are not compared.',
    'σ is the paper\'s own measure, Δ / √(SD₁² + SD₂²). p is Welch\'s t-test (two-sided) of your complete runs against the printed mean and SD ' +
      `(n = ${PAPER_RUNS}); it needs two runs or more. A large p says the runs are consistent with the paper's, not that they are equal.`,
  ];
  if (tests > 1) {
    tableNotes.push(`The ${tests} p-values are unadjusted; with Bonferroni, compare each with 0.05 / ${tests} = ${formatLevel(bonferroniLevel(tests))}.`);
    // Only now is the threshold known: show each p with enough digits to sit on its right side.
    for (const row of rows) {
      const p = row[WELCH_P_COLUMN];
      if (p?.value !== undefined) row[WELCH_P_COLUMN] = { text: formatP(p.value, [bonferroniLevel(tests)]), value: p.value };
    }
  }
  return {
    notes,
    table: {
      id: 'beside-the-paper',
      caption: "Your runs of the paper's arms against its printed Table 1",
      columns: [
        { label: 'Arm' },
        { label: "Paper's arm" },
        { label: 'Your runs', numeric: true },
        { label: 'Yours: mean ± SD', csvLabels: meanSdCsvLabels('Yours: mean ± SD') },
        { label: 'Paper: mean ± SD', csvLabels: meanSdCsvLabels('Paper: mean ± SD') },
        { label: 'Δ (yours − paper)', numeric: true },
        { label: 'σ', numeric: true },
        { label: 'Welch p', numeric: true },
        { label: "Set-up different from the paper's" },
      ],
      rows,
      notes: tableNotes,
    },
  };
}

function comparisonRow(
  label: string,
  arm: PaperArm,
  printed: PrintedArmResult,
  passCounts: readonly number[],
  mean: number,
  sd: number | null,
): { cells: Cell[]; tested: boolean } {
  const paper = { mean: printed.mean.value, sd: printed.sd.value };
  const delta = mean - paper.mean;
  const sigma = sd === null ? null : separation(paper, { mean, sd }).sigma;
  const test = sd === null ? null : welchTest({ mean, sd, n: passCounts.length }, { ...paper, n: PAPER_RUNS });
  return {
    tested: test !== null,
    cells: [
      textCell(label),
      textCell(PAPER_ARM_LABEL[arm]),
      numberCell(passCounts.length),
      meanSdCell(mean, sd),
      meanSdCell(paper.mean, paper.sd),
      numberCell(delta, 1),
      sigma === null || !Number.isFinite(sigma) ? textCell('–') : numberCell(sigma, 2, 'σ'),
      test === null ? textCell('–') : { text: formatP(test.p), value: test.p },
    ],
  };
}
