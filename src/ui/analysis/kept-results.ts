/**
 * What the Results page needs to reopen, after a reload of the same tab (an F5, a crash, a
 * service-worker update), the files it had open: the list of them, in order, with the key each is
 * kept under in this browser (src/store/kept-files.ts) and the comparison settings, in the tab's
 * session storage. Per tab on purpose: two tabs may hold two different sets, and a new tab starts
 * empty, as a new tab of any page does. The explorer's problem, arm, run and filters are in the
 * page's address already (explorer-address.ts).
 */
import type { ArmPair } from '../../core/analysis/pair-tables.ts';
import type { ErrorLabelling } from '../../core/analysis/study-runs.ts';

export const RESULTS_SESSION_KEY = 'feedback-lab-results-open';

export interface KeptResultsFile {
  /** The name the page lists it under ("study.json (2)" beside another "study.json"). */
  name: string;
  /** The file's own name and date, as picked: what it is kept under, and how the page tells it from another. */
  fileName: string;
  lastModified: number;
  /** Null until the copy is written (or when it could not be: storage full or refused). */
  key: string | null;
  /** Why the copy could not be written ("this browser has no room left for it"), so a reload says that rather than "not yet written". */
  refused?: string;
}

export interface KeptResultsSet {
  /** This tab's set in the kept-files store. */
  set: string;
  files: KeptResultsFile[];
  /**
   * Files picked and still being read, by their own names: they have no copy yet, and a big one
   * takes many seconds to read, so a reload then names them rather than dropping them unsaid.
   */
  reading: string[];
  labelling: ErrorLabelling;
  pairs: ArmPair[] | null;
}

/** The store's side the page uses (src/store/kept-files.ts). */
export interface KeptSetsPort {
  keepForSet(setId: string, fileName: string, blob: Blob): Promise<string>;
  get(key: string): Promise<{ fileName: string; blob: Blob } | null>;
  release(setId: string, keys?: readonly string[]): Promise<void>;
}

/** Reads the tab's saved set; null when there is none or it cannot be read (a hand-edited or older entry). */
export function readKeptResults(storage: Storage | undefined): KeptResultsSet | null {
  try {
    const raw = storage?.getItem(RESULTS_SESSION_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<KeptResultsSet>;
    if (typeof value.set !== 'string' || !Array.isArray(value.files)) return null;
    const files = value.files
      .filter(
        (f): f is KeptResultsFile => typeof f?.name === 'string' && typeof f.fileName === 'string' && typeof f.lastModified === 'number' && (f.key === null || typeof f.key === 'string'),
      )
      .map(({ refused, ...f }) => (typeof refused === 'string' ? { ...f, refused } : f));
    const reading = Array.isArray(value.reading) ? value.reading.filter((name): name is string => typeof name === 'string') : [];
    const pairs = Array.isArray(value.pairs) ? value.pairs.filter((p) => typeof p?.baselineId === 'string' && typeof p.treatmentId === 'string') : null;
    return { set: value.set, files, reading, labelling: value.labelling === 'study' ? 'study' : 'exception', pairs };
  } catch {
    return null;
  }
}

export function writeKeptResults(storage: Storage | undefined, value: KeptResultsSet | null): void {
  try {
    if (!value || (value.files.length === 0 && value.reading.length === 0)) storage?.removeItem(RESULTS_SESSION_KEY);
    else storage?.setItem(RESULTS_SESSION_KEY, JSON.stringify(value));
  } catch {
    // Session storage refused (a sandboxed frame): the page works, and a reload starts empty.
  }
}

/** A new set id: twelve URL-safe characters, unique to this tab's files in this browser. */
export function newSetId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}
