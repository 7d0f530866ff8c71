/**
 * The StudyConfig the command runs: a new study from a draft or an earlier config, bound to the
 * endpoint and resolved against the dataset on disk, or a resumed study's config, unchanged.
 */
import { randomUUID } from 'node:crypto';
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import { BENCHMARK_NAMES } from '../../src/core/benchmarks/task-id.ts';
import { sameDatasetFile } from '../../src/core/benchmarks/datasets.ts';
import type { PromptSet } from '../../src/core/prompts/prompt-set.ts';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { validateStudyConfig, type ModelBinding, type StudyConfig } from '../../src/core/study/config.ts';
import { createStudyConfig } from '../../src/core/study/create-config.ts';
import { apiRoot } from '../../src/llm/endpoint-url.ts';
import type { DiskDataset } from '../datasets-dir.ts';
import { InputError } from '../usage-error.ts';
import type { NameChoices } from './bind-models.ts';
import type { StudyRequest } from './study-source.ts';

/** `cli-<time>-<random>`: unique, sortable by start, and a valid study id. */
export function newStudyId(created: Date): string {
  return `cli-${created.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
}

/** A new study from the request, its model keys bound to `models`; a draft's prompts come from `promptSet` (--prompts) where it has them. */
export function newStudyConfig(
  request: StudyRequest,
  models: Record<string, ModelBinding>,
  dataset: DiskDataset,
  start: { id: string; created: string },
  promptSet?: PromptSet,
): StudyConfig {
  if (request.study.kind === 'draft') {
    try {
      return createStudyConfig(
        { ...request.study.draft, models },
        { ...start, problems: dataset.problems, datasetSha256: dataset.sha256, ...(promptSet ? { promptSet } : {}) },
      );
    } catch (error) {
      throw new InputError(`${request.origin}: ${(error as Error).message}`);
    }
  }
  const earlier = request.study.config;
  if (!sameDatasetFile(earlier.benchmark, earlier.datasetSha256, dataset.sha256)) throw differentDataset(earlier, dataset, request.origin);
  assertProblemsExist(earlier, dataset.problems, request.origin);
  const checked = validateStudyConfig({ ...earlier, ...start, models });
  if (!checked.ok) throw new InputError(`${request.origin}: the study cannot run: ${checked.errors.join(' ')}`);
  return checked.config;
}

/**
 * The config of a study being resumed. It must run on the endpoint and model names it started
 * with: the result file records them, and one study answered by two different models would not
 * be one experiment.
 */
export function resumedStudyConfig(doc: ResultFile, endpoint: string | null, names: Pick<NameChoices, 'model' | 'modelMap'>, dataset: DiskDataset, origin: string): StudyConfig {
  const config = doc.config;
  const bindings = Object.entries(config.models);
  const notEndpoint = bindings.filter(([, b]) => b.engine !== 'openai');
  if (notEndpoint.length > 0) {
    const [key, binding] = notEndpoint[0] as [string, ModelBinding];
    throw new InputError(
      `${origin}: this study runs "${key}" on ${binding.engine === 'webllm' ? 'WebLLM in a browser' : 'replayed replies'}, not on an endpoint, so the command line cannot continue it. ` +
        'Continue it where it started, or run its study again on an endpoint with --study FILE.',
    );
  }
  if (endpoint !== null) {
    const recorded = [...new Set(bindings.map(([, b]) => (b.baseUrl ? apiRoot(b.baseUrl) : '')))];
    if (recorded.length !== 1 || recorded[0] !== endpoint) {
      throw new InputError(
        `${origin}: this study started on ${recorded.join(', ')}; it must continue there (leave out --endpoint): its result file names that server as the one that answered. ` +
          `If the server has moved, make it answer at that address again (a server on another machine: an SSH tunnel, ssh -N -L LOCAL_PORT:HOST:PORT), ` +
          `or run the study anew on ${endpoint} with --study FILE (the units done so far are not carried over).`,
      );
    }
  }
  for (const [key, binding] of bindings) {
    const wanted = names.model ?? names.modelMap[key];
    if (wanted !== undefined && wanted !== binding.id) {
      throw new InputError(
        `${origin}: this study asked the endpoint for "${binding.id}" as "${key}"; it must continue with the same model (leave out --model/--map). To use "${wanted}", start it again with --study FILE.`,
      );
    }
  }
  if (!sameDatasetFile(config.benchmark, config.datasetSha256, dataset.sha256)) throw differentDataset(config, dataset, origin);
  assertProblemsExist(config, dataset.problems, origin);
  return config;
}

function differentDataset(config: StudyConfig, dataset: DiskDataset, origin: string): InputError {
  return new InputError(
    `${origin}: the study was made with a different ${BENCHMARK_NAMES[config.benchmark]} file (SHA-256 ${config.datasetSha256.slice(0, 12)}…) ` +
      `than ${dataset.path} (${dataset.sha256.slice(0, 12)}…); its results would not be comparable.`,
  );
}

function assertProblemsExist(config: StudyConfig, problems: readonly Problem[], origin: string): void {
  const known = new Set(problems.map((p) => p.id));
  const missing = config.problemIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new InputError(`${origin}: the study names problems the dataset does not have: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}.`);
  }
}
