/**
 * The reference solutions, shaped like the things the harness scores. They calibrate timeouts
 * and prove the harness sound: every canonical completion passes in `standard` mode.
 */
import type { Problem } from './problem.ts';

/**
 * The canonical solution as a samples-file completion (openai/human-eval format): for HumanEval
 * the body that continues `prompt`, for MBPP the whole program.
 */
export function canonicalCompletion(problem: Problem): string {
  return problem.canonicalSolution;
}

/**
 * The canonical solution as a model answering the study's prompt ideally would write it: the
 * prompt's imports and the requested function only, no helpers. For MBPP that is the upstream
 * code. Scored in `study` mode this fails exactly where the study's harness could not pass a
 * faithful answer: HumanEval/32, 38 and 50, whose tests call helpers defined only in the
 * prompt, and HumanEval/10, whose reference body calls such a helper (a model could inline it).
 */
export function canonicalStudyCode(problem: Problem): string {
  if (problem.benchmark === 'mbpp') return problem.canonicalSolution;
  const definition = new RegExp(`^def ${escapeRegExp(problem.entryPoint)}\\s*\\(`, 'm').exec(problem.prompt);
  if (!definition) throw new Error(`${problem.id}: the prompt does not define ${problem.entryPoint}.`);
  const before = problem.prompt.slice(0, definition.index);
  const imports = before.split('\n').filter((line) => /^(?:import|from)\s/.test(line));
  const header = imports.length > 0 ? `${imports.join('\n')}\n\n\n` : '';
  return header + problem.prompt.slice(definition.index) + problem.canonicalSolution;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
