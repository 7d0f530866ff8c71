/**
 * The pass rates a stratified search ranks its problems by: a result file the user picks (read
 * in a worker as the Results page reads it), or the study's released error-taxonomy run when the
 * Reproduce page has loaded it in this tab or kept it in this browser's cache. Core's
 * difficulty-source.ts turns either into a DifficultySource; this only reads and reports.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import { ERROR_TAXONOMY_FILE, readErrorTaxonomy } from '../../core/reproduce/error-taxonomy.ts';
import { RELEASED_SOURCE_FILES } from '../../core/reproduce/released-sources.ts';
import {
  benchmarkMismatch,
  difficultyFromReleasedTaxonomy,
  difficultyFromResultFile,
  isReleasedChampionArm,
  type DifficultySource,
} from '../../core/search/difficulty-source.ts';
import { UserError } from '../../core/user-error.ts';
import { importProgressTeller, readResultFile } from '../shared/read-result-file.ts';

export const RELEASED_LABEL = 'The study’s released error-taxonomy run';

export class DifficultyPicker {
  loaded = $state.raw<DifficultySource | null>(null);
  /** Why the last source could not be used, each reason a sentence. */
  refused = $state.raw<string[] | null>(null);
  /** What is being read, while it is. */
  reading = $state<string | null>(null);
  /**
   * Whether `loaded` came back from the form's draft after a reload: its pass rates and name
   * were kept, not the file, so the page says so (a file changed since is not read again).
   */
  kept = $state(false);

  /**
   * Puts back a ranking the form's draft kept (search-form-draft.ts). A released-results ranking
   * kept before the NEAT champion's arm was left out of it (it counted that arm's verdicts) is not
   * put back: it is ranked again from the released run, which needs only the copy this browser
   * holds; when there is none, the page says why the ranking is gone. Resolves once settled.
   */
  restore(source: DifficultySource | null): Promise<boolean> {
    this.remove();
    if (source !== null && countsReleasedChampion(source)) return this.#rankReleasedAgain(source.benchmark);
    this.loaded = source;
    this.kept = source !== null;
    return Promise.resolve(source !== null);
  }

  async #rankReleasedAgain(benchmark: BenchmarkId): Promise<boolean> {
    const pick = this.#pick;
    if (await this.useReleased(benchmark)) return true;
    // Refused, and no newer pick (or Remove) since: say why the kept ranking is not back.
    if (pick + 1 === this.#pick && this.refused) this.refused = [STALE_RELEASED_RANKING, ...this.refused];
    return false;
  }

  /**
   * Counts the reads begun: only the latest may set the source. A big file takes seconds to read,
   * and the buttons stay usable meanwhile, so a slower earlier read must not override a later
   * pick (or a Remove) when it ends.
   */
  #pick = 0;

  /** Reads a picked result file; one over another benchmark than `benchmark` is refused. */
  async pickFile(file: File, benchmark: BenchmarkId): Promise<boolean> {
    const pick = this.#begin(`${file.name}: reading…`);
    try {
      const doc = await readResultFile(
        file,
        importProgressTeller(file.name, (text) => {
          if (pick === this.#pick) this.reading = text;
        }),
      );
      return pick === this.#pick && this.#use(difficultyFromResultFile(doc, file.name), benchmark);
    } catch (error) {
      return pick === this.#pick && this.#refuse([`${file.name} cannot rank the problems: ${reasonOf(error)}`]);
    } finally {
      if (pick === this.#pick) this.reading = null;
    }
  }

  /**
   * The released run the Reproduce page holds: the file it loaded in this tab, else the verified
   * copy it kept in this browser. Nothing is downloaded here.
   */
  async useReleased(benchmark: BenchmarkId): Promise<boolean> {
    const pick = this.#begin(`${ERROR_TAXONOMY_FILE}: reading…`);
    try {
      const text = (await releasedInThisTab()) ?? (await releasedInCache());
      if (pick !== this.#pick) return false;
      if (text === null) {
        return this.#refuse([
          `The study’s released results are not in this browser yet. Open the Reproduce page and press “Load the released files” (or pick them there), then come back; or pick a result file of your own.`,
        ]);
      }
      return this.#use(difficultyFromReleasedTaxonomy(readErrorTaxonomy(JSON.parse(text)), RELEASED_LABEL), benchmark);
    } catch (error) {
      return pick === this.#pick && this.#refuse([`The released ${ERROR_TAXONOMY_FILE} cannot rank the problems: ${reasonOf(error)}`]);
    } finally {
      if (pick === this.#pick) this.reading = null;
    }
  }

  /** Unloads the source; a read still running is abandoned. */
  remove(): void {
    this.#pick++;
    this.reading = null;
    this.loaded = null;
    this.refused = null;
    this.kept = false;
  }

  #begin(reading: string): number {
    this.reading = reading;
    return ++this.#pick;
  }

  #use(source: DifficultySource, benchmark: BenchmarkId): boolean {
    const otherBenchmark = benchmarkMismatch(source, benchmark);
    if (otherBenchmark) return this.#refuse([`${otherBenchmark}.`]);
    this.loaded = source;
    this.refused = null;
    this.kept = false;
    return true;
  }

  /** A refused source unloads the one before it: the user meant to replace it. */
  #refuse(reasons: string[]): false {
    this.loaded = null;
    this.refused = reasons;
    this.kept = false;
    return false;
  }
}

/** A ranking from the released run that still counts the champion's arm (kept before it was left out). */
function countsReleasedChampion(source: DifficultySource): boolean {
  return source.label === RELEASED_LABEL && source.arms.some(isReleasedChampionArm);
}

const STALE_RELEASED_RANKING =
  'The ranking kept in this tab from the study’s released results counted the NEAT champion’s arm, which a ranking now leaves out (the study ranked its problems before its search), so it was not kept; it needs ranking again.';

function reasonOf(error: unknown): string {
  if (error instanceof UserError) return [error.message, error.hint].filter(Boolean).join(' ');
  return error instanceof Error ? error.message : String(error);
}

async function releasedInThisTab(): Promise<string | null> {
  const { releasedFiles } = await import('../analysis/released-files.svelte.ts');
  return releasedFiles.texts.find((t) => t.fileName === ERROR_TAXONOMY_FILE)?.text ?? null;
}

async function releasedInCache(): Promise<string | null> {
  const entry = RELEASED_SOURCE_FILES.find((f) => f.fileName === ERROR_TAXONOMY_FILE);
  if (!entry) return null;
  const [{ appDatasetCache }, { sha256Hex }] = await Promise.all([import('../datasets/dataset-cache-connection.ts'), import('../../core/sha256.ts')]);
  const cache = await appDatasetCache();
  const bytes = await cache?.get(entry.sha256);
  if (!bytes || (await sha256Hex(bytes)) !== entry.sha256) return null;
  return new TextDecoder().decode(bytes);
}
