/**
 * Where the Reproduce page sends someone whose fetch of the released files failed (offline, or a
 * network that blocks GitHub). GitHub offers no download of one folder, and a repository's name in
 * plain text is not a way there: the page links the archive of the pinned commit, whose results/
 * folder the folder picker takes whole, and the folder itself, to pick the six files one by one.
 */
import { RELEASED_COMMIT, RELEASED_REPOSITORY } from '../../core/reproduce/released-sources.ts';

/** The whole repository at the commit the pins describe, as a .zip. */
export const RELEASED_ARCHIVE_URL = `https://${RELEASED_REPOSITORY}/archive/${RELEASED_COMMIT}.zip`;

/** The `results/` folder at that commit, on GitHub's site. */
export const RELEASED_FOLDER_URL = `https://${RELEASED_REPOSITORY}/tree/${RELEASED_COMMIT}/results`;

/**
 * The end of the advice: the sections are below only when some file is loaded. After a fetch that
 * brought none (the usual offline case), "shown below" pointed at nothing.
 */
export function loadedSectionsNote(loadedFiles: number): string {
  return loadedFiles > 0 ? ' The sections the loaded files serve are shown below.' : '';
}
