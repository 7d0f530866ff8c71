/**
 * Pipeline searches over IndexedDB: the SearchStore a running search writes to, the list the
 * Search page shows, deletion, import of search files, and the persisted temperature-0 call
 * cache. Every write is one transaction that has completed when its promise resolves (the port's
 * contract: the runner counts an evaluation only once it is durable).
 *
 * Evaluations are keyed by (searchId, key), so a replayed write finds its key taken and keeps the
 * stored record; keys start with the search id, so one key range reads or deletes a whole run.
 */
import { newestFirst } from '../core/iso-time.ts';
import type { CallCache, ChatReply, SearchStatus, SearchStore, StoredSearch } from '../core/ports.ts';
import type { SearchFile } from '../core/results/search-file.ts';
import { describeTopology } from '../core/search/search-genome.ts';
import { validationCost, type CutShortRecord, type StoredSearchRecord, type ValidationRequest } from '../core/search/search-record.ts';
import { interruptedSpends } from '../core/search/stored-search.ts';
import { sameSearchSetup, type SearchSetup } from '../core/search/search-setup.ts';
import type { SearchState, SearchStopReason } from '../core/search/search-state.ts';
import { UserError } from '../core/user-error.ts';
import { connectionTerminated, keysUnder, observed, StoredRunGone, type LabDatabase, type SearchRecord } from './database.ts';

/** A search as the list of stored searches shows it. */
export interface SearchListing {
  id: string;
  name: string;
  benchmark: SearchSetup['benchmark'];
  created: string;
  status: SearchStatus;
  updatedAt: number;
  ranHere: boolean;
  /** Generations finished and scored, and the most the budget allows. */
  generationsDone: number;
  maxGenerations: number;
  stopReason: SearchStopReason | null;
  /** The champion's search-time fitness and shape, once a generation is scored. */
  championFitness: number | null;
  championShape: string | null;
  /** The search's evaluations that reached a verdict. */
  evaluations: number;
  /** The search's runs cut short (stopped, a failing model, a tab closed), not in `evaluations`; their tokens are in `tokens`. */
  cutShort: number;
  /** The search's tokens (champion re-validation's apart). */
  tokens: number;
  /** Champion re-validation: runs with a verdict, runs cut short, and the tokens of both. */
  validation: { runs: number; cutShort: number; tokens: number };
}

/** A row that holds an evaluation's spend so far (SearchStore.putSpendSoFar), not a record: `open|cut<n>|…`. */
const SPEND_SO_FAR = 'open|';

/**
 * The card's counts: the snapshot's, with the evaluations stored after the search's last snapshot.
 * Snapshots are written at generation boundaries and every few seconds, so an interrupted or
 * paused search (or one running in another tab) has evaluations its snapshot does not count yet;
 * the page shows the search with them (`currentState`), and its card must not say less. Only the
 * snapshot's generation can hold such evaluations, and its keys share the prefix `<generation>|`.
 * Runs cut short are counted apart from evaluations, and re-validation apart from the search.
 */
async function afterSnapshot(
  rows: { getAll(range: IDBKeyRange): Promise<{ record: StoredSearchRecord }[]> },
  searchId: string,
  state: SearchState | null,
): Promise<Pick<SearchListing, 'evaluations' | 'cutShort' | 'tokens' | 'validation'>> {
  const generation = state?.generation ?? 0;
  const prefix = `${generation}|`;
  const range = (from: string) => IDBKeyRange.bound([searchId, from], [searchId, `${from}\uffff`]);
  const inGeneration = (await rows.getAll(range(prefix))).map((r) => r.record);
  const unsnapshotted = inGeneration.filter((r) => r.kind === 'search' && !(state && r.key in state.evaluations));
  // Runs cut short (keys `cut<n>|…`), and those a closed tab left as spends so far (`open|cut<n>|…`).
  const cut = (await rows.getAll(range('cut'))).map((r) => r.record);
  const validationRuns = (await rows.getAll(range('g'))).map((r) => r.record);
  // An open spend of an earlier generation was left between its verdict and its clearing: the
  // generation advanced, so every evaluation of it has a verdict, which counts its calls.
  const open = (await rows.getAll(range(SPEND_SO_FAR))).flatMap((r) =>
    r.record.kind === 'cut-short' && (r.record.generation === null || r.record.generation === generation) ? [r.record] : [],
  );
  const soFar = interruptedSpends([...inGeneration, ...cut, ...validationRuns], open);
  const spends = [...cut, ...soFar];
  const validation = validationCost([...validationRuns, ...cut]);
  for (const r of soFar) if (r.generation === null) validation.tokens += r.tokens;
  let tokens = unsnapshotted.reduce((sum, r) => sum + r.tokens, 0);
  for (const r of spends) {
    if (r.kind !== 'cut-short' || r.generation === null) continue;
    // Unless the snapshot counts it already.
    const counted = r.generation !== generation || (state && (r.key in (state.cutShort ?? {}) || r.evaluation in state.evaluations));
    if (!counted) tokens += r.tokens;
  }
  // Only stored runs are named cut short: a spend so far may be of an evaluation still running in some tab.
  const cutShort = cut.filter((r) => r.kind === 'cut-short' && r.generation !== null).length;
  return {
    evaluations: (state?.usage.evaluations ?? 0) + unsnapshotted.length,
    cutShort,
    tokens: (state?.usage.tokens ?? 0) + tokens,
    validation: { runs: validation.runs, cutShort: validation.cutShort, tokens: validation.tokens },
  };
}


export class IdbSearchStore implements SearchStore {
  readonly #db: LabDatabase;
  readonly #now: () => number;

  constructor(db: LabDatabase, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /** Whether this store's database went away under it (site data cleared, the database deleted, storage failed). */
  get terminated(): boolean {
    return connectionTerminated(this.#db);
  }

  async putSearch(setup: SearchSetup): Promise<void> {
    const tx = observed(this.#db.transaction('searches', 'readwrite'));
    const existing = await tx.store.get(setup.id);
    if (existing && !sameSearchSetup(existing.setup, setup)) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new Error(`A different search with the id "${setup.id}" is already stored; give the new search another id.`);
    }
    if (!existing) {
      await tx.store.put({ id: setup.id, setup, status: 'running', state: null, validation: null, updatedAt: this.#now(), ranHere: true });
    } else if (!existing.ranHere) {
      await tx.store.put({ ...existing, ranHere: true });
    }
    await tx.done;
  }

  async saveState(searchId: string, state: SearchState): Promise<void> {
    await this.#update(searchId, (record) => ({ ...record, state, updatedAt: this.#now() }));
  }

  async putEvaluation(searchId: string, record: StoredSearchRecord): Promise<void> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readwrite'));
    if ((await tx.objectStore('searches').getKey(searchId)) === undefined) return abortMissing(tx, searchId);
    const rows = tx.objectStore('searchEvaluations');
    if ((await rows.getKey([searchId, record.key])) === undefined) await rows.put({ searchId, key: record.key, record });
    await tx.done;
  }

  async putSpendSoFar(searchId: string, record: CutShortRecord): Promise<void> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readwrite'));
    if ((await tx.objectStore('searches').getKey(searchId)) === undefined) return abortMissing(tx, searchId);
    await tx.objectStore('searchEvaluations').put({ searchId, key: `${SPEND_SO_FAR}${record.key}`, record });
    await tx.done;
  }

  async clearSpendSoFar(searchId: string, key: string): Promise<void> {
    await this.#db.delete('searchEvaluations', [searchId, `${SPEND_SO_FAR}${key}`]);
  }

  async setStatus(searchId: string, status: SearchStatus): Promise<void> {
    await this.#update(searchId, (record) => ({ ...record, status, updatedAt: this.#now() }));
  }

  async setValidation(searchId: string, request: ValidationRequest): Promise<void> {
    await this.#update(searchId, (record) => ({ ...record, validation: request, updatedAt: this.#now() }));
  }

  async loadSearch(searchId: string): Promise<StoredSearch | null> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readonly'));
    const [record, rows] = await Promise.all([
      tx.objectStore('searches').get(searchId),
      tx.objectStore('searchEvaluations').getAll(keysUnder(searchId)),
      tx.done,
    ]);
    if (!record) return null;
    const stored: StoredSearchRecord[] = [];
    const open: CutShortRecord[] = [];
    for (const r of rows) {
      if (!r.key.startsWith(SPEND_SO_FAR)) stored.push(r.record);
      else if (r.record.kind === 'cut-short') open.push(r.record);
    }
    return { setup: record.setup, status: record.status, state: record.state, evaluations: [...stored, ...interruptedSpends(stored, open)], validation: record.validation };
  }

  /** Every stored search, newest first. */
  async listSearches(): Promise<SearchListing[]> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readonly'));
    const records = await tx.objectStore('searches').getAll();
    const listings = await Promise.all(
      records.map(async (record): Promise<SearchListing> => {
        const { setup, state } = record;
        const counts = await afterSnapshot(tx.objectStore('searchEvaluations'), record.id, state);
        // Own genomes only, and a shape that cannot be drawn is left out: one stored search with a
        // damaged champion (a file imported before its state was checked in depth) emptied the
        // whole list, leaving every other search out of reach (audit R215-2).
        const champion = state?.champion && Object.hasOwn(state.genomes, state.champion.genomeId) ? state.genomes[state.champion.genomeId] : undefined;
        return {
          id: record.id,
          name: setup.name,
          benchmark: setup.benchmark,
          created: setup.created,
          status: record.status,
          updatedAt: record.updatedAt,
          ranHere: record.ranHere,
          generationsDone: state?.history.length ?? 0,
          maxGenerations: (state?.config ?? setup.config).budget.maxGenerations,
          stopReason: state?.stopReason ?? null,
          championFitness: state?.champion?.fitness ?? null,
          championShape: champion ? shapeOrNull(champion.pipeline) : null,
          ...counts,
        };
      }),
    );
    await tx.done;
    return listings.sort(newestFirst);
  }

  /** Removes the search with all its evaluations, in one transaction. The call cache stays. */
  async deleteSearch(searchId: string): Promise<void> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readwrite'));
    await Promise.all([tx.objectStore('searches').delete(searchId), tx.objectStore('searchEvaluations').delete(keysUnder(searchId)), tx.done]);
  }

  /** Stores one imported search file (see importSearches). */
  async importSearch(doc: SearchFile): Promise<'added' | 'merged'> {
    const [how] = await this.importSearches([doc]);
    return how!;
  }

  /**
   * Stores imported search files, all in ONE transaction: a file that is refused, or a write that
   * fails (a browser out of room), leaves the store as it was. One transaction a file stored the
   * first and then said "Nothing was imported." over the second's failure (audit R190-4).
   *
   * A search already stored under a file's id must have the same setup: then its evaluations are
   * merged and the state that is further along wins, with its own records where both have one; two files of one search
   * merge the same way, in order. An imported search is never `running`: it shows as paused or done.
   */
  async importSearches(docs: readonly SearchFile[]): Promise<('added' | 'merged')[]> {
    const tx = observed(this.#db.transaction(['searches', 'searchEvaluations'], 'readwrite'));
    const searches = tx.objectStore('searches');
    const rows = tx.objectStore('searchEvaluations');
    const hows: ('added' | 'merged')[] = [];
    try {
      for (const doc of docs) {
        const id = doc.config.id;
        const existing = await searches.get(id);
        if (existing && !sameSearchSetup(existing.setup, doc.config)) {
          throw new UserError(
            `A different search with the id "${id}" is already stored here.`,
            'Delete the stored one first if the file should replace it; nothing was imported.',
          );
        }
        const state = existing?.state && furtherAlong(existing.state, doc.state) ? existing.state : doc.state;
        const status: SearchStatus = state.status === 'done' ? 'done' : existing?.status === 'running' ? 'running' : 'paused';
        const record: SearchRecord = {
          id,
          setup: existing?.setup ?? doc.config,
          status,
          state,
          validation: doc.validation ?? existing?.validation ?? null,
          updatedAt: this.#now(),
          ranHere: existing?.ranHere ?? false,
        };
        await searches.put(record);
        // The file's state won: its records are the verdicts its scores were computed from, so
        // they replace this browser's for the same keys. Kept, this browser's verdicts of another
        // copy of the search contradicted the history shown (audit R207-3).
        const fileWins = existing !== undefined && state === doc.state;
        for (const evaluation of doc.evaluations) {
          if (fileWins || (await rows.getKey([id, evaluation.key])) === undefined) await rows.put({ searchId: id, key: evaluation.key, record: evaluation });
        }
        hows.push(existing ? 'merged' : 'added');
      }
    } catch (error) {
      // A failed write has aborted the transaction already, with the browser's own reason.
      try {
        tx.abort();
      } catch {
        // Ended already.
      }
      await tx.done.catch(() => undefined);
      throw tx.error ?? error;
    }
    await tx.done;
    return hows;
  }

  async #update(searchId: string, change: (record: SearchRecord) => SearchRecord): Promise<void> {
    const tx = observed(this.#db.transaction('searches', 'readwrite'));
    const record = await tx.store.get(searchId);
    if (!record) return abortMissing(tx, searchId);
    await tx.store.put(change(record));
    await tx.done;
  }
}

/** The temperature-0 replies, kept across sessions and shared by every search in this browser. */
export class IdbCallCache implements CallCache {
  readonly #db: LabDatabase;

  constructor(db: LabDatabase) {
    this.#db = db;
  }

  async get(digest: string): Promise<ChatReply | undefined> {
    return (await this.#db.get('callCache', digest))?.reply;
  }

  async put(digest: string, reply: ChatReply): Promise<void> {
    const tx = observed(this.#db.transaction('callCache', 'readwrite'));
    if ((await tx.store.getKey(digest)) === undefined) await tx.store.put({ digest, reply, storedAt: Date.now() });
    await tx.done;
  }

  async count(): Promise<number> {
    return this.#db.count('callCache');
  }

  async clear(): Promise<void> {
    await this.#db.clear('callCache');
  }
}

/** The champion's shape as the list says it, or null when its pipeline cannot be drawn. */
function shapeOrNull(pipeline: Parameters<typeof describeTopology>[0]): string | null {
  try {
    return describeTopology(pipeline);
  } catch {
    return null;
  }
}

/** More generations scored, then more evaluations recorded. */
function furtherAlong(a: SearchState, b: SearchState): boolean {
  return a.history.length !== b.history.length ? a.history.length > b.history.length : a.usage.evaluations >= b.usage.evaluations;
}

async function abortMissing(tx: { abort(): void; done: Promise<void> }, searchId: string): Promise<never> {
  tx.abort();
  await tx.done.catch(() => undefined);
  throw new StoredRunGone('search', searchId);
}
