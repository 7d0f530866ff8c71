/**
 * `--prompts FILE`: a prompt set whose texts a new study sends instead of the built-in ones.
 * Read by core's readPromptSetFile, as the app reads a picked file; every refusal is one line
 * that names the file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeStudyEffect, promptSetEffect, promptUses } from '../../src/core/prompts/prompt-set-effect.ts';
import type { PromptSet } from '../../src/core/prompts/prompt-set.ts';
import { readPromptSetFile } from '../../src/core/prompts/prompt-set-file.ts';
import type { StudyArm } from '../../src/core/study/config.ts';
import { InputError } from '../usage-error.ts';

export async function readPromptSetArgument(argument: string, cwd: string): Promise<PromptSet> {
  const path = resolve(cwd, argument);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`Cannot read the prompt set ${argument}: no such file (looked at ${path}).`);
    if (code === 'EISDIR') throw new InputError(`The prompt set ${argument} is a directory, not a .json file.`);
    throw new InputError(`Cannot read the prompt set ${argument}: ${(error as Error).message}`);
  }
  const result = readPromptSetFile(bytes);
  if (!result.ok) throw new InputError(`${argument} is not a prompt set this command can use: ${result.errors.join(' ')}`);
  return result.promptSet;
}

/** The set's effect on the study's arms, for the progress notes: a set that changes nothing is said to. */
export function promptSetNote(argument: string, promptSet: PromptSet, arms: readonly StudyArm[]): string {
  const effect = promptSetEffect(promptSet, promptUses(arms.map((arm) => arm.pipeline)));
  return `Prompt set ${argument}: ${describeStudyEffect(effect, arms.length).join(' ')}`;
}
