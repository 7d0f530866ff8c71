/**
 * A failed fetch of the released files ended "Download them from github.com/L3G/feedback-over-form
 * (folder results/) and pick them above; any sections the fetched files serve are shown below.":
 * no link to follow, no way to download one folder from GitHub, and "shown below" with nothing below.
 */
import { describe, expect, it } from 'vitest';
import { RELEASED_COMMIT } from '../../../src/core/reproduce/released-sources.ts';
import { RELEASED_ARCHIVE_URL, RELEASED_FOLDER_URL, loadedSectionsNote } from '../../../src/ui/analysis/released-download.ts';

describe('where a failed fetch of the released files sends the user', () => {
  it('links the archive and the results/ folder of the pinned commit', () => {
    expect(RELEASED_ARCHIVE_URL).toBe(`https://github.com/L3G/feedback-over-form/archive/${RELEASED_COMMIT}.zip`);
    expect(RELEASED_FOLDER_URL).toBe(`https://github.com/L3G/feedback-over-form/tree/${RELEASED_COMMIT}/results`);
  });

  it('points below only when some file is loaded', () => {
    expect(loadedSectionsNote(0)).toBe('');
    expect(loadedSectionsNote(3)).toBe(' The sections the loaded files serve are shown below.');
  });
});
