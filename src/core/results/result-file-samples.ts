/**
 * Any arm of a study as a samples file (JSONL, one `{task_id, completion}` per line), so the
 * official openai/human-eval harness, EvalPlus or this app's own scorer can re-score it
 * independently of the verdicts recorded here. The completion is the code the verdict judged
 * (a whole function for HumanEval, which the harness appends to the prompt and which simply
 * redefines the prompt's stub; a whole program for MBPP). Task ids are the canonical ones the
 * samples reader accepts (`HumanEval/0`, `Mbpp/2`).
 */
import { UserError } from '../user-error.ts';
import { fileNameSlug, partialSuffix, studyTag } from './result-file-export.ts';
import type { ResultFile } from './result-file.ts';

export interface SampleLine {
  task_id: string;
  completion: string;
  arm: string;
  repeat: number;
}

/**
 * One line per finished unit of `armId` in `repeat`, in the study's problem order. Unfinished
 * and errored units have no final code and are left out; a finished unit whose run produced no
 * code gets an empty completion, which scores as a failure, as it should.
 */
export function armToSamples(doc: ResultFile, armId: string, repeat: number): SampleLine[] {
  if (!doc.config.arms.some((arm) => arm.id === armId)) {
    throw new UserError(
      `This study has no arm "${armId}".`,
      `Its arms are ${doc.config.arms.map((arm) => `"${arm.id}"`).join(', ')}.`,
    );
  }
  if (!Number.isInteger(repeat) || repeat < 0 || repeat >= doc.config.repeats) {
    throw new UserError(`This study has no repeat ${repeat}.`, `Its repeats are numbered 0 to ${doc.config.repeats - 1}.`);
  }
  const byProblem = new Map<string, string>();
  for (const unit of doc.units) {
    if (unit.armId !== armId || unit.repeat !== repeat || unit.status !== 'finished') continue;
    byProblem.set(unit.problemId, unit.trajectory.finalCode ?? '');
  }
  return doc.config.problemIds.flatMap((taskId) => {
    const completion = byProblem.get(taskId);
    return completion === undefined ? [] : [{ task_id: taskId, completion, arm: armId, repeat }];
  });
}

export function armToSamplesJsonl(doc: ResultFile, armId: string, repeat: number): string {
  return armToSamples(doc, armId, repeat)
    .map((line) => `${JSON.stringify(line)}\n`)
    .join('');
}

/**
 * `feedback-lab-<study>-<tag>-<arm>-repeat-<n>[-partial-<k>-of-<m>]_samples.jsonl`, human-eval
 * writing `<name>_results.jsonl` beside it. `n` counts from 1, as the Study page's "repeat 2" that
 * was picked (the lines' `repeat` field counts from 0, as units do): a file named r1 for "repeat 2"
 * read as the other repeat. The tag and the partial count are the result file's (see
 * resultFileName): two studies of one name, or one arm sampled half-way and again at the end, no
 * longer give one name to two different files.
 */
export function samplesFileName(doc: ResultFile, armId: string, repeat: number): string {
  const finished = doc.units.filter((u) => u.armId === armId && u.repeat === repeat && u.status === 'finished').length;
  const progress = partialSuffix({ finished, total: doc.config.problemIds.length });
  return `feedback-lab-${fileNameSlug(doc.config.name) || 'study'}-${studyTag(doc.config.id)}-${fileNameSlug(armId) || 'arm'}-repeat-${repeat + 1}${progress}_samples.jsonl`;
}
