/**
 * The study's four kinds of released file, recognised by the fields only that kind has (a
 * download may be renamed). Apart from their readers, so that the result-file importer can tell
 * someone who opened one of them where it belongs without loading the readers.
 */
export type ReleasedKind = 'main-results' | 'iteration-analysis' | 'error-taxonomy' | 'champion';

export const RELEASED_KIND_FILE: Record<ReleasedKind, string> = {
  'main-results': 'main_results.json',
  'iteration-analysis': 'iteration_analysis.json',
  'error-taxonomy': 'error_taxonomy.json',
  champion: 'neat_runs/*_champion.json',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which released file this parsed JSON is, from the fields only that kind has; null if none. */
export function recogniseReleasedJson(json: unknown): ReleasedKind | null {
  if (!isRecord(json)) return null;
  if ('max_iters_forced' in json && 'raw_trajectories' in json) return 'iteration-analysis';
  if ('n_runs' in json && Array.isArray(json['configs'])) return 'main-results';
  if ('unfixable' in json && isRecord(json['configs'])) return 'error-taxonomy';
  if ('fitness' in json && isRecord(json['genome'])) return 'champion';
  return null;
}
