/**
 * The Study run panel's sentence for a screen reader (see run-announcement.ts): the phase and the
 * units done, and once the run has ended the passes the panel's table shows by then. "Done: 60 of
 * 60 units done." said the end but not its result, which a sighted reader had in the table.
 */
import type { ArmProgress } from '../../core/study/progress.ts';
import type { RunNews } from '../shared/run-announcement.ts';

/** More arms than this are summed in one figure: a sentence naming each would take a minute to hear. */
const ARMS_NAMED = 4;

/** `ended`: the arms as the run left them (done, cancelled or stopped), null while it may still go on. */
export function studyRunSentence(news: RunNews, ended: readonly ArmProgress[] | null): string {
  const count = (n: number) => n.toLocaleString('en');
  const units = `${news.phase}: ${count(news.done)} of ${count(news.total)} units done${news.errored > 0 ? `, ${count(news.errored)} errored` : ''}`;
  if (ended === null || news.done === 0) return `${units}.`;
  const passes =
    ended.length > ARMS_NAMED
      ? `${count(ended.reduce((n, arm) => n + arm.passed, 0))} of ${count(news.done)} passed`
      : ended.map((arm) => `${arm.label} ${count(arm.passed)} of ${count(arm.done)} passed`).join(', ');
  return `${units}; ${passes}.`;
}
