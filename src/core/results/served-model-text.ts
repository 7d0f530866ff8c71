/**
 * What a result file records about its endpoint models, in words: the context, quantisation and
 * memory Ollama reported for each, or plainly that the server did not say (served-model.ts asks).
 * The Results page, `feedback-lab report` and `feedback-lab run` all say it this way.
 */
import type { ResultEnvironment, ResultServedModel } from './result-file.ts';

/** The served-model reports of some environments, the latest per endpoint and model. */
export function servedModelsOf(environments: readonly ResultEnvironment[]): ResultServedModel[] {
  const latest = new Map<string, ResultServedModel>();
  for (const environment of environments) {
    for (const report of environment.servedModels ?? []) {
      const key = `${report.endpoint}\u0000${report.model}\u0000${report.contextTokens ?? ''}`;
      const known = latest.get(key);
      if (!known || known.askedAt < report.askedAt) latest.set(key, report);
    }
  }
  return [...latest.values()];
}

/** One sentence, e.g. `llama3.2:3b ran on Ollama with a 4096-token context (Q4_K_M, 3.2B parameters; 2.6 GB, all on the GPU).` */
export function servedModelSentence(report: ResultServedModel): string {
  const facts = [
    report.quantization,
    report.parameterSize === null ? null : `${report.parameterSize} parameters`,
  ].filter((fact): fact is string => fact !== null);
  const memory = memoryText(report);
  const detail = [facts.join(', '), memory].filter((part) => part !== '').join('; ');
  const detailText = detail === '' ? '' : ` (${detail})`;
  if (report.server === 'ollama' && report.contextTokens !== null) {
    return `${report.model} ran on Ollama with a ${report.contextTokens}-token context${detailText}.`;
  }
  const where = report.server === 'ollama' ? 'Ollama' : report.endpoint;
  // Files written before 2026-11-25 end the reason with what this sentence already says.
  const why = (report.unknownBecause ?? 'the server did not say').replace(/, so the context it ran with is unknown$/, '');
  return `${report.model} ran on ${where}${detailText}; the context it ran with is unknown: ${why}.`;
}

function memoryText(report: ResultServedModel): string {
  if (report.sizeBytes === null || report.sizeBytes <= 0) return '';
  const size = `${(report.sizeBytes / 1e9).toFixed(1)} GB`;
  if (report.gpuBytes === null) return size;
  if (report.gpuBytes >= report.sizeBytes) return `${size}, all on the GPU`;
  if (report.gpuBytes === 0) return `${size}, all in system memory (no GPU)`;
  return `${size}, ${Math.round((report.gpuBytes / report.sizeBytes) * 100)}% on the GPU`;
}
