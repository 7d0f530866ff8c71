/**
 * Every model key of a study bound to the one endpoint the command runs against, and a check,
 * before any Python starts, that the endpoint answers and serves those models.
 */
import { llmNodes } from '../../src/core/pipeline/genome.ts';
import { baseUrlProblem, type ModelBinding, type StudyArm } from '../../src/core/study/config.ts';
import { EndpointStatusError } from '../../src/llm/endpoint-errors.ts';
import { apiRoot } from '../../src/llm/endpoint-url.ts';
import { listModels } from '../../src/llm/openai-compatible.ts';
import { InputError, UsageError } from '../usage-error.ts';

export interface NameChoices {
  /** `--model`: one name for every key. */
  model: string | null;
  /** `--map KEY=NAME`. */
  modelMap: Record<string, string>;
  /** Names the study itself gives. */
  studyNames: Record<string, string>;
}

/** The model keys the arms use, in first-use order. */
export function modelKeys(arms: readonly StudyArm[]): string[] {
  const keys = new Set<string>();
  for (const arm of arms) for (const { node } of llmNodes(arm.pipeline)) keys.add(node.model);
  return [...keys];
}

/** The API root to use: `--endpoint`, else the study's own; credentials in it are refused. */
export function chooseEndpoint(fromOption: string | null, fromStudy: string | null): string {
  const given = fromOption ?? fromStudy;
  if (given === null) throw new UsageError('Name the OpenAI-compatible endpoint with --endpoint URL, e.g. --endpoint http://localhost:11434/v1.');
  const problem = baseUrlProblem(given);
  if (problem) throw new UsageError(`--endpoint: ${problem}${fromOption === null ? ' (this endpoint came from the study)' : ''}`);
  try {
    return apiRoot(given);
  } catch (error) {
    throw new UsageError(`--endpoint: ${(error as Error).message}`);
  }
}

/** The endpoint's model name for each key: --model, else --map, else the study's name, else the key. */
export function bindModels(keys: readonly string[], root: string, names: NameChoices): Record<string, ModelBinding> {
  const unused = Object.keys(names.modelMap).filter((key) => !keys.includes(key));
  if (unused.length > 0) {
    throw new UsageError(`--map names ${unused.map((k) => `"${k}"`).join(', ')}, which no arm uses; the study's model keys are ${keys.join(', ')}.`);
  }
  const models: Record<string, ModelBinding> = {};
  for (const key of keys) {
    const id = names.model ?? names.modelMap[key] ?? names.studyNames[key] ?? key;
    models[key] = { engine: 'openai', id, baseUrl: root };
  }
  return models;
}

/** A model list is a few hundred bytes: a server that has not sent it by now is stuck or is not one. */
const MODEL_LIST_TIMEOUT_MS = 15_000;

/** What to do about a refused key on the command line: the hint that applies, and only it. */
export function keyAdvice(status: 401 | 403, apiKeyEnv: string | null): string {
  if (apiKeyEnv === null) {
    const needs = status === 401 ? 'No key was sent' : 'No key was sent, and the server may want one';
    return `${needs}: put it in an environment variable and name that with --api-key-env VAR (e.g. --api-key-env OPENAI_API_KEY).`;
  }
  return status === 401
    ? `The key sent was the value of ${apiKeyEnv}: check that it is the key for this server.`
    : `The key sent was the value of ${apiKeyEnv}: check that it is the key for this server and that it may use these models.`;
}

/**
 * Lists the endpoint's models and checks every bound name is among them. An endpoint that cannot
 * be reached, or refuses the key, stops the command with the engine's own explanation. A server
 * that does not list models at all (404/405/501 on /models) is not an error: the first chat
 * request checks the names instead, and the returned note says so.
 */
export async function checkEndpoint(
  root: string,
  apiKey: string | undefined,
  models: Record<string, ModelBinding>,
  apiKeyEnv: string | null = null,
  listTimeoutMs = MODEL_LIST_TIMEOUT_MS,
): Promise<string | null> {
  let served: string[];
  try {
    served = await listModels(root, apiKey, { timeoutMs: listTimeoutMs });
  } catch (error) {
    const message = (error as Error).message;
    if (/\((404|405|501)\b/.test(message)) return `Note: ${root} does not list its models, so the model names are checked by the first request.`;
    // The engine's advice is the app's (a key field, a page's origin); here the key comes from an option.
    if (error instanceof EndpointStatusError && (error.status === 401 || error.status === 403)) throw new InputError(`${error.fact} ${keyAdvice(error.status, apiKeyEnv)}`);
    throw new InputError(message);
  }
  const missing = Object.entries(models).filter(([, b]) => !served.includes(b.id) && !served.includes(`${b.id}:latest`));
  if (missing.length === 0) return null;
  const offered = served.length > 0 ? `It serves: ${served.slice(0, 20).join(', ')}${served.length > 20 ? ', …' : ''}.` : 'It lists no models.';
  const lines = missing.map(([key, b]) => `  "${b.id}"${b.id === key ? '' : ` (for the study's model key "${key}")`}`);
  const [firstKey] = missing[0] ?? [''];
  throw new InputError(
    [
      `The endpoint ${root} does not serve ${missing.length === 1 ? 'this model' : 'these models'}:`,
      ...lines,
      offered,
      `Choose the endpoint's name with --model NAME (every key) or --map ${firstKey}=NAME, or pull the model first (ollama pull …).`,
    ].join('\n'),
  );
}
