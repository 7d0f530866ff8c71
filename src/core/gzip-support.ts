/**
 * Whether this platform can unpack gzip. The app has no gzip code of its own: it uses the
 * platform's DecompressionStream, which Safari only has from 16.4. Without it, every .gz file
 * (HumanEval itself, a gzip samples file) used to fail as "not a valid gzip file", blaming the
 * file for the browser.
 */
import { UserError } from './user-error.ts';

export const GZIP_BROWSERS = 'Chrome or Edge 80+, Firefox 113+, Safari 16.4+';

export function canGunzip(): boolean {
  return typeof globalThis.DecompressionStream === 'function';
}

/** Thrown before any gzip is read on a platform without DecompressionStream. */
export class GzipUnsupportedError extends Error {
  override readonly name = 'GzipUnsupportedError';
  /** `instead` says what the user can do with this file other than changing browser. */
  constructor(instead?: string) {
    super(
      `This browser cannot unpack gzip files (it has no DecompressionStream; ${GZIP_BROWSERS} do)` +
        `: open the app in one of those${instead ? `, or ${instead}` : ''}.`,
    );
  }
}

/**
 * The refusal of a .json.gz file (a result or search file) on such a platform: the user can
 * also decompress it by hand and open the .json.
 */
export function gzipFileUnsupported(): UserError {
  return new UserError(new GzipUnsupportedError('decompress the file first (gunzip, 7-Zip) and open the .json it holds').message);
}
