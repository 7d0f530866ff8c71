/**
 * Numbers as printed in the paper (arXiv 2604.21950, April 2026; paper/paper.tex at the released
 * commit), kept beside the released data so the Reproduce page can put computed and printed side
 * by side. Values are transcribed, not computed; each keeps the precision it was printed with,
 * because a mismatch is judged at that precision.
 */

/** A number as printed: its value and the decimals shown (3.7 → {value: 3.7, decimals: 1}). */
export interface Printed {
  value: number;
  decimals: number;
}

const p = (value: number, decimals: number): Printed => ({ value, decimals });

/** The study's six arms. */
export type PaperArm =
  | 'llama-solo'
  | 'llama-self-refine'
  | 'qwen-llama'
  | 'neat-v3'
  | 'coder-solo'
  | 'coder-self-refine';

/** Each arm's name in the released files. */
export const RELEASED_ARM_NAME: Record<PaperArm, string> = {
  'llama-solo': 'llama3.2:3b solo',
  'llama-self-refine': 'llama→exec→llama',
  'qwen-llama': 'qwen→exec→llama',
  'neat-v3': 'NEAT v3 champion',
  'coder-solo': 'qwen2.5-coder:3b solo',
  'coder-self-refine': 'qwen2.5-coder:3b self-refine',
};

/** Each arm's row label in the paper's tables. */
export const PAPER_ARM_LABEL: Record<PaperArm, string> = {
  'llama-solo': 'llama3.2:3B solo',
  'llama-self-refine': 'llama → exec → llama (self-refine)',
  'qwen-llama': 'qwen → exec → llama (cross-model)',
  'neat-v3': 'NEAT champion',
  'coder-solo': 'qwen2.5-coder:3B solo',
  'coder-self-refine': 'qwen2.5-coder:3B self-refine',
};

export type PaperBenchmark = 'humaneval' | 'mbpp';

export const BENCHMARK_PROBLEMS: Record<PaperBenchmark, number> = { humaneval: 164, mbpp: 427 };

export interface PrintedArmResult {
  mean: Printed;
  sd: Printed;
  /** mean as a percentage of the benchmark's problems. */
  percent: Printed;
}

/** Table 1: 5-run mean ± SD (and %) per arm; MBPP null where the paper prints N/A. */
export const PRINTED_TABLE1: { arm: PaperArm; humaneval: PrintedArmResult; mbpp: PrintedArmResult | null }[] = [
  {
    arm: 'llama-solo',
    humaneval: { mean: p(76.6, 1), sd: p(3.7, 1), percent: p(46.7, 1) },
    mbpp: { mean: p(255.8, 1), sd: p(5.5, 1), percent: p(59.9, 1) },
  },
  {
    arm: 'llama-self-refine',
    humaneval: { mean: p(94.0, 1), sd: p(2.7, 1), percent: p(57.3, 1) },
    mbpp: { mean: p(286.2, 1), sd: p(2.9, 1), percent: p(67.0, 1) },
  },
  {
    arm: 'qwen-llama',
    humaneval: { mean: p(93.6, 1), sd: p(3.0, 1), percent: p(57.1, 1) },
    mbpp: { mean: p(287.0, 1), sd: p(2.0, 1), percent: p(67.2, 1) },
  },
  {
    arm: 'neat-v3',
    humaneval: { mean: p(98.2, 1), sd: p(3.4, 1), percent: p(59.9, 1) },
    mbpp: null,
  },
  {
    arm: 'coder-solo',
    humaneval: { mean: p(133.6, 1), sd: p(3.4, 1), percent: p(81.5, 1) },
    mbpp: { mean: p(295.4, 1), sd: p(5.4, 1), percent: p(69.2, 1) },
  },
  {
    arm: 'coder-self-refine',
    humaneval: { mean: p(139.6, 1), sd: p(2.5, 1), percent: p(85.1, 1) },
    mbpp: { mean: p(307.2, 1), sd: p(4.3, 1), percent: p(71.9, 1) },
  },
];

/** One printed Δ (σ) cell: treatment − baseline. σ is printed without a sign. */
export interface PrintedSeparation {
  baseline: PaperArm;
  treatment: PaperArm;
  delta: Printed;
  sigma: Printed;
}

/**
 * Table 2: Δ (σ) of the key comparisons. "Best llama" is llama self-refine on HumanEval
 * (139.6 − 94.0 = 45.6) but qwen → llama on MBPP (307.2 − 287.0 = 20.2), as the Δs show.
 */
export const PRINTED_TABLE2: {
  comparison: string;
  verdict: string;
  humaneval: PrintedSeparation;
  mbpp: PrintedSeparation | null;
}[] = [
  {
    comparison: 'Self-refine vs solo (llama)',
    verdict: 'Significant',
    humaneval: { baseline: 'llama-solo', treatment: 'llama-self-refine', delta: p(17.4, 1), sigma: p(4.7, 1) },
    mbpp: { baseline: 'llama-solo', treatment: 'llama-self-refine', delta: p(30.4, 1), sigma: p(4.9, 1) },
  },
  {
    comparison: 'Cross-model vs self-refine',
    verdict: 'No difference',
    humaneval: { baseline: 'llama-self-refine', treatment: 'qwen-llama', delta: p(-0.4, 1), sigma: p(0.1, 1) },
    mbpp: { baseline: 'llama-self-refine', treatment: 'qwen-llama', delta: p(0.8, 1), sigma: p(0.2, 1) },
  },
  {
    comparison: 'Coder self-refine vs coder solo',
    verdict: 'Suggestive',
    humaneval: { baseline: 'coder-solo', treatment: 'coder-self-refine', delta: p(6.0, 1), sigma: p(1.4, 1) },
    mbpp: { baseline: 'coder-solo', treatment: 'coder-self-refine', delta: p(11.8, 1), sigma: p(1.7, 1) },
  },
  {
    comparison: 'Coder self-refine vs best llama',
    verdict: 'Significant',
    humaneval: { baseline: 'llama-self-refine', treatment: 'coder-self-refine', delta: p(45.6, 1), sigma: p(12.4, 1) },
    mbpp: { baseline: 'qwen-llama', treatment: 'coder-self-refine', delta: p(20.2, 1), sigma: p(4.2, 1) },
  },
  {
    comparison: 'NEAT champion vs manual best',
    verdict: 'Not significant',
    humaneval: { baseline: 'llama-self-refine', treatment: 'neat-v3', delta: p(4.2, 1), sigma: p(1.0, 1) },
    mbpp: null,
  },
];

/** σ values the running text prints again (§4.5 gives 12.3σ where Table 2 has 12.4σ). */
export const PRINTED_TEXT_SIGMAS: { where: string; comparison: string; separation: PrintedSeparation }[] = [
  {
    where: '§4.5 text',
    comparison: 'Coder self-refine vs best llama',
    separation: { baseline: 'llama-self-refine', treatment: 'coder-self-refine', delta: p(45.6, 1), sigma: p(12.3, 1) },
  },
  {
    where: '§4.6 text',
    comparison: 'NEAT champion vs manual best',
    separation: { baseline: 'llama-self-refine', treatment: 'neat-v3', delta: p(4.2, 1), sigma: p(1.0, 1) },
  },
];

/** Table 3: fix-rate ranges in % across configurations, [low, high]; a single value prints as [v, v]. */
export const PRINTED_TABLE3: { errorType: string; humaneval: [number, number]; mbpp: [number, number] }[] = [
  { errorType: 'NameError', humaneval: [50, 67], mbpp: [25, 55] },
  { errorType: 'SyntaxError', humaneval: [100, 100], mbpp: [40, 40] },
  { errorType: 'TypeError', humaneval: [33, 67], mbpp: [22, 67] },
  { errorType: 'AssertionError', humaneval: [4, 24], mbpp: [7, 35] },
];

/** The arms of the forced-iteration analysis (Tables 4–6), in the paper's Table 4/5 order. */
export const ITERATION_ARMS: PaperArm[] = ['qwen-llama', 'llama-self-refine', 'neat-v3', 'coder-self-refine'];

/** Table 4: net per iteration without early stopping, iterations 1, 2, 3. */
export const PRINTED_TABLE4: { arm: PaperArm; net: [number, number, number] }[] = [
  { arm: 'qwen-llama', net: [-6, -7, -22] },
  { arm: 'llama-self-refine', net: [-7, -9, -13] },
  { arm: 'neat-v3', net: [-10, -14, -14] },
  { arm: 'coder-self-refine', net: [-7, -10, 0] },
];

/** Table 5: cumulative problems solved with early stopping after 0, 1, 2, 3 iterations. */
export const PRINTED_TABLE5: { arm: PaperArm; solved: [number, number, number, number] }[] = [
  { arm: 'qwen-llama', solved: [69, 91, 98, 99] },
  { arm: 'llama-self-refine', solved: [76, 90, 92, 93] },
  { arm: 'neat-v3', solved: [78, 96, 100, 102] },
  { arm: 'coder-self-refine', solved: [132, 136, 136, 136] },
];

/** Table 6: initial passes that later broke without early stopping. */
export const PRINTED_TABLE6: { arm: PaperArm; initialPasses: number; broke: number; breakRatePercent: Printed }[] = [
  { arm: 'qwen-llama', initialPasses: 69, broke: 43, breakRatePercent: p(62, 0) },
  { arm: 'neat-v3', initialPasses: 78, broke: 45, breakRatePercent: p(58, 0) },
  { arm: 'llama-self-refine', initialPasses: 76, broke: 33, breakRatePercent: p(43, 0) },
  { arm: 'coder-self-refine', initialPasses: 132, broke: 19, breakRatePercent: p(14, 0) },
];

/** Table 7: an earlier single run vs the 5-run mean; difference = mean − single. */
export const PRINTED_TABLE7: { arm: PaperArm; single: number; fiveRunMean: Printed; difference: Printed }[] = [
  { arm: 'llama-solo', single: 82, fiveRunMean: p(76.6, 1), difference: p(-5.4, 1) },
  { arm: 'qwen-llama', single: 101, fiveRunMean: p(93.6, 1), difference: p(-7.4, 1) },
  { arm: 'llama-self-refine', single: 99, fiveRunMean: p(94.0, 1), difference: p(-5.0, 1) },
  { arm: 'neat-v3', single: 106, fiveRunMean: p(98.2, 1), difference: p(-7.8, 1) },
];

/** "Scores dropped by 5–7 %" on re-validation (abstract, §4.7, Table 7 caption), in whole percent. */
export const PRINTED_INFLATION_PERCENT: [number, number] = [5, 7];

/** Table 8: the completed NEAT-inspired search runs. */
export const PRINTED_TABLE8: {
  run: string;
  /** The arm whose five runs main_results.json holds, if any (only v3's were released). */
  arm: PaperArm | null;
  searchBest: Printed;
  iterations: number;
  /** Search-subset passes quoted in §4.6 ("21/25", "22/25"); null where not quoted. */
  searchPasses: number | null;
  fullSingle: number;
  fiveRun: { mean: Printed; sd: Printed };
}[] = [
  { run: 'v2', arm: null, searchBest: p(0.82, 2), iterations: 2, searchPasses: 22, fullSingle: 99, fiveRun: { mean: p(93.8, 1), sd: p(3.3, 1) } },
  { run: 'v3', arm: 'neat-v3', searchBest: p(0.76, 2), iterations: 3, searchPasses: 21, fullSingle: 106, fiveRun: { mean: p(98.2, 1), sd: p(3.4, 1) } },
  { run: 'temp0', arm: null, searchBest: p(0.66, 2), iterations: 1, searchPasses: null, fullSingle: 96, fiveRun: { mean: p(89.8, 1), sd: p(5.2, 1) } },
];

/** §4.8: "7 of 164 problems were never solved … 5 of these were AssertionErrors … 2 NameErrors". */
export const PRINTED_UNFIXABLE = { problems: 7, of: 164, byError: { AssertionError: 5, NameError: 2 } } as const;
