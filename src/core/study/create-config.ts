/**
 * From what a user chose (a study draft: from the study page or a study link) to a StudyConfig:
 * the selection resolved against the loaded benchmark, the prompt ids resolved to the texts they
 * stand for now, and the study's own defaults filled in. Done once, when the study starts.
 */
import type { BenchmarkId, Problem } from '../benchmarks/problem.ts';
import { selectProblems, type SelectionSpec } from '../benchmarks/selection.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { llmNodes } from '../pipeline/genome.ts';
import { findPrompt, type PromptSet, type RolePrompt } from '../prompts/prompt-set.ts';
import {
  STUDY_DEFAULT_LIMITS,
  STUDY_DEFAULT_SAMPLING,
  validateStudyConfig,
  type ModelBinding,
  type SamplingDefaults,
  type StudyArm,
  type StudyConfig,
  type StudyLimits,
  type StudySeeds,
} from './config.ts';

/** A study before it starts: what links and the study page describe. */
export interface StudyDraft {
  name: string;
  benchmark: BenchmarkId;
  selection: SelectionSpec;
  arms: StudyArm[];
  repeats: number;
  mode: HarnessMode;
  models: Record<string, ModelBinding>;
  limits?: Partial<StudyLimits>;
  sampling?: Partial<SamplingDefaults>;
  seeds?: Partial<StudySeeds>;
}

export interface CreateStudyOptions {
  id: string;
  /** ISO 8601 time. */
  created: string;
  /** The benchmark's whole problem list, as decoded from the verified dataset file. */
  problems: readonly Problem[];
  datasetSha256: string;
  /** The loaded prompt set, if any: its texts override the built-in pool's. */
  promptSet?: PromptSet;
}

/** Throws with every problem listed when the draft cannot become a valid study. */
export function createStudyConfig(draft: StudyDraft, options: CreateStudyOptions): StudyConfig {
  const wrongBenchmark = options.problems.find((p) => p.benchmark !== draft.benchmark);
  if (wrongBenchmark) throw new Error(`The study is on ${draft.benchmark}, but the problems given include ${wrongBenchmark.id}.`);
  const selected = selectProblems(options.problems, draft.selection);
  const config: StudyConfig = {
    id: options.id,
    name: draft.name,
    created: options.created,
    benchmark: draft.benchmark,
    datasetSha256: options.datasetSha256,
    selection: draft.selection,
    problemIds: selected.map((p) => p.id),
    arms: draft.arms,
    repeats: draft.repeats,
    mode: draft.mode,
    limits: { ...STUDY_DEFAULT_LIMITS, ...draft.limits },
    models: draft.models,
    sampling: { ...STUDY_DEFAULT_SAMPLING, ...draft.sampling },
    seeds: { sampling: null, ...draft.seeds },
    prompts: usedPrompts(draft.arms, options.promptSet),
  };
  // Round-trip through the validator: what starts is exactly what a result file will accept.
  const checked = validateStudyConfig(JSON.parse(JSON.stringify(config)));
  if (!checked.ok) throw new Error(`This study cannot start: ${checked.errors.join(' ')}`);
  return checked.config;
}

/** The text of every prompt id the arms use, in first-use order. Unknown ids are left for the validator to report. */
function usedPrompts(arms: readonly StudyArm[], promptSet: PromptSet | undefined): RolePrompt[] {
  const prompts = new Map<string, RolePrompt>();
  for (const arm of arms) {
    for (const { node } of llmNodes(arm.pipeline)) {
      if (!('id' in node.prompt) || prompts.has(node.prompt.id)) continue;
      const found = findPrompt(node.prompt.id, promptSet);
      if (found?.role) prompts.set(node.prompt.id, { id: node.prompt.id, role: found.role, text: found.text });
    }
  }
  return [...prompts.values()];
}
