/**
 * A SearchStore and a CallCache in memory: for tests and the command line. Like a database they
 * keep copies of what they are given and hand out copies, so a caller mutating an object later
 * cannot change what was stored.
 */
import type { CallCache, ChatReply, SearchStatus, SearchStore, StoredSearch } from '../ports.ts';
import type { CutShortRecord, StoredSearchRecord, ValidationRequest } from './search-record.ts';
import { interruptedSpends } from './stored-search.ts';
import { sameSearchSetup, type SearchSetup } from './search-setup.ts';
import type { SearchState } from './search-state.ts';

interface SearchEntry {
  setup: SearchSetup;
  status: SearchStatus;
  state: SearchState | null;
  evaluations: Map<string, StoredSearchRecord>;
  validation: ValidationRequest | null;
  /** Spends of evaluations in flight (putSpendSoFar), by their cut-short key. */
  soFar: Map<string, CutShortRecord>;
}

export class MemorySearchStore implements SearchStore {
  readonly #searches = new Map<string, SearchEntry>();
  /** Evaluation writes received, replayed ones included. */
  evaluationWrites = 0;
  stateWrites = 0;

  async putSearch(setup: SearchSetup): Promise<void> {
    const existing = this.#searches.get(setup.id);
    if (existing) {
      if (!sameSearchSetup(existing.setup, setup)) throw new Error(`A different search with the id "${setup.id}" is already stored; give the new search another id.`);
      return;
    }
    this.#searches.set(setup.id, { setup: copy(setup), status: 'running', state: null, evaluations: new Map(), validation: null, soFar: new Map() });
  }

  async saveState(searchId: string, state: SearchState): Promise<void> {
    this.stateWrites++;
    this.#search(searchId).state = copy(state);
  }

  async putEvaluation(searchId: string, record: StoredSearchRecord): Promise<void> {
    this.evaluationWrites++;
    const search = this.#search(searchId);
    if (!search.evaluations.has(record.key)) search.evaluations.set(record.key, copy(record));
  }

  async putSpendSoFar(searchId: string, record: CutShortRecord): Promise<void> {
    this.#search(searchId).soFar.set(record.key, copy(record));
  }

  async clearSpendSoFar(searchId: string, key: string): Promise<void> {
    this.#search(searchId).soFar.delete(key);
  }

  async setStatus(searchId: string, status: SearchStatus): Promise<void> {
    this.#search(searchId).status = status;
  }

  async setValidation(searchId: string, request: ValidationRequest): Promise<void> {
    this.#search(searchId).validation = copy(request);
  }

  async loadSearch(searchId: string): Promise<StoredSearch | null> {
    const search = this.#searches.get(searchId);
    if (!search) return null;
    return {
      setup: copy(search.setup),
      status: search.status,
      state: search.state ? copy(search.state) : null,
      evaluations: [...search.evaluations.values(), ...interruptedSpends([...search.evaluations.values()], [...search.soFar.values()])].map(copy),
      validation: search.validation ? copy(search.validation) : null,
    };
  }

  #search(searchId: string): SearchEntry {
    const search = this.#searches.get(searchId);
    if (!search) throw new Error(`No search "${searchId}" in the store: putSearch must come first.`);
    return search;
  }
}

export class MemoryCallCache implements CallCache {
  readonly #replies = new Map<string, ChatReply>();

  get size(): number {
    return this.#replies.size;
  }

  async get(digest: string): Promise<ChatReply | undefined> {
    const reply = this.#replies.get(digest);
    return reply ? copy(reply) : undefined;
  }

  async put(digest: string, reply: ChatReply): Promise<void> {
    if (!this.#replies.has(digest)) this.#replies.set(digest, copy(reply));
  }
}

/** Stored data is JSON-shaped, so structuredClone copies it exactly. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
