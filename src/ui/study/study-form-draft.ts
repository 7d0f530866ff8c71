/**
 * The Study form's draft: what the user has typed and picked, kept in this tab's sessionStorage
 * so a reload gives the form back as it was (the mechanism, shared with the Search form, is
 * ../shared/form-draft.ts).
 *
 * Not kept: the API key (it stays in the tab's memory, docs/models.md), and a replayed result file
 * (up to hundreds of MB): its name is kept so the form can ask for it again. A draft that does not
 * read back exactly (an older build's, hand-edited, cut short) is dropped: the defaults show.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { isRecord } from '../../core/pipeline/json-shape.ts';
import { presetById } from '../../core/pipeline/presets.ts';
import { validatePipeline } from '../../core/pipeline/validate-pipeline.ts';
import { isArmId, type StudyArm, type StudyLimits } from '../../core/study/config.ts';
import type { SettingsStorage } from '../models/saved-settings.ts';
import { DraftStore, finiteOrNull, numberOrNull, oneOf, onlyKeys, parseJson, readLoadedSet, strings } from '../shared/form-draft.ts';
import type { SelectionKind } from '../shared/problem-selection.ts';
import type { LoadedPromptSet } from '../shared/prompt-set-picker.svelte.ts';
import type { EngineChoice, StudyForm } from './study-form.svelte.ts';

export const STUDY_DRAFT_KEY = 'feedback-lab:study-form-draft';
/** Raised whenever a field's meaning changes: a draft of another version is dropped, not guessed at. */
export const STUDY_DRAFT_VERSION = 1;

export interface StudyFormDraft {
  version: typeof STUDY_DRAFT_VERSION;
  name: string;
  benchmark: BenchmarkId;
  selectionKind: SelectionKind;
  /** Null where the user emptied a number field: it comes back empty, and the form says so. */
  n: number | null;
  seed: number | null;
  idsText: string;
  presetIds: string[];
  /** The arms' order (StudyForm.armOrder); a draft written before it was kept reads as none, the list's order. */
  armOrder: string[];
  pairingMatrix: boolean;
  linkArms: StudyArm[];
  linkArmIds: string[];
  repeats: number | null;
  mode: HarnessMode;
  engine: EngineChoice;
  endpoint: string;
  modelNames: Record<string, string>;
  limits: Partial<Pick<StudyLimits, 'timeoutMs' | 'problemTimeCapMs'>>;
  promptSet: LoadedPromptSet | null;
  /** The result file being replayed, by name only: the file itself must be picked again. */
  replayFileName: string | null;
  workers: number;
  /** The study link (its search params) the form was last filled from in this tab, if any. */
  link: string | null;
}

const BENCHMARKS: Record<BenchmarkId, true> = { humaneval: true, mbpp: true };
const SELECTION_KINDS: Record<SelectionKind, true> = { all: true, first: true, random: true, ids: true, 'mbpp-test-split': true };
const MODES: Record<HarnessMode, true> = { standard: true, study: true };
const ENGINES: Record<EngineChoice, true> = { webllm: true, openai: true, replay: true };
const KEYS: readonly (keyof StudyFormDraft)[] = [
  'version', 'name', 'benchmark', 'selectionKind', 'n', 'seed', 'idsText', 'presetIds', 'armOrder', 'pairingMatrix', 'linkArms', 'linkArmIds',
  'repeats', 'mode', 'engine', 'endpoint', 'modelNames', 'limits', 'promptSet', 'replayFileName', 'workers', 'link',
];

/** The draft of the form as it stands; `workers` and `link` are the desk's. */
export function draftOf(form: StudyForm, extra: { workers: number; link: string | null }): StudyFormDraft {
  return {
    version: STUDY_DRAFT_VERSION,
    name: form.name,
    benchmark: form.benchmark,
    selectionKind: form.selectionKind,
    n: finiteOrNull(form.n),
    seed: finiteOrNull(form.seed),
    idsText: form.idsText,
    presetIds: [...form.presetIds],
    armOrder: [...form.armOrder],
    pairingMatrix: form.pairingMatrix,
    linkArms: form.linkArms,
    linkArmIds: [...form.linkArmIds],
    repeats: finiteOrNull(form.repeats),
    mode: form.mode,
    engine: form.engine,
    endpoint: form.endpoint,
    modelNames: { ...form.modelNames },
    limits: { ...form.limits },
    promptSet: form.prompts.loaded,
    replayFileName: form.replay?.fileName ?? null,
    workers: extra.workers,
    link: extra.link,
  };
}

/** Puts a draft's values in the form. A loaded prompt set comes back loaded; a replayed file does not. */
export function applyDraft(form: StudyForm, draft: StudyFormDraft): void {
  form.name = draft.name;
  form.benchmark = draft.benchmark;
  form.selectionKind = draft.selectionKind;
  // The form's fields are numbers; null is what bind:value gives an emptied one.
  form.n = draft.n as number;
  form.seed = draft.seed as number;
  form.idsText = draft.idsText;
  form.presetIds = [...draft.presetIds];
  form.armOrder = [...draft.armOrder];
  form.pairingMatrix = draft.pairingMatrix;
  form.linkArms = draft.linkArms;
  form.linkArmIds = [...draft.linkArmIds];
  form.repeats = draft.repeats as number;
  form.mode = draft.mode;
  form.engine = draft.engine;
  form.endpoint = draft.endpoint;
  form.modelNames = { ...draft.modelNames };
  form.limits = { ...draft.limits };
  form.replay = null;
  form.prompts.remove();
  if (draft.promptSet) form.prompts.loaded = draft.promptSet;
}

/** The draft in `raw` (stored JSON), or null when there is none or it does not read back exactly. */
export function parseDraft(raw: string | null): StudyFormDraft | null {
  return readDraft(parseJson(raw));
}

function readDraft(v: unknown): StudyFormDraft | null {
  if (!isRecord(v) || v['version'] !== STUDY_DRAFT_VERSION) return null;
  if (!onlyKeys(v, KEYS)) return null;
  const ok =
    typeof v['name'] === 'string' &&
    oneOf(v['benchmark'], BENCHMARKS) &&
    oneOf(v['selectionKind'], SELECTION_KINDS) &&
    numberOrNull(v['n']) &&
    numberOrNull(v['seed']) &&
    typeof v['idsText'] === 'string' &&
    strings(v['presetIds']) &&
    v['presetIds'].every((id) => presetById(id) !== undefined) &&
    (v['armOrder'] === undefined || strings(v['armOrder'])) &&
    typeof v['pairingMatrix'] === 'boolean' &&
    strings(v['linkArmIds']) &&
    numberOrNull(v['repeats']) &&
    oneOf(v['mode'], MODES) &&
    oneOf(v['engine'], ENGINES) &&
    typeof v['endpoint'] === 'string' &&
    isRecord(v['modelNames']) &&
    Object.values(v['modelNames']).every((name) => typeof name === 'string') &&
    (v['replayFileName'] === null || typeof v['replayFileName'] === 'string') &&
    typeof v['workers'] === 'number' &&
    Number.isInteger(v['workers']) &&
    v['workers'] >= 1 &&
    (v['link'] === null || typeof v['link'] === 'string');
  if (!ok) return null;
  const limits = readLimits(v['limits']);
  const linkArms = readArms(v['linkArms']);
  const promptSet = readLoadedSet(v['promptSet']);
  if (!limits || !linkArms || promptSet === undefined) return null;
  return { ...(v as unknown as StudyFormDraft), armOrder: (v['armOrder'] as string[] | undefined) ?? [], limits, linkArms, promptSet };
}

function readLimits(value: unknown): StudyFormDraft['limits'] | null {
  if (!isRecord(value)) return null;
  const limits: StudyFormDraft['limits'] = {};
  for (const [key, ms] of Object.entries(value)) {
    if ((key !== 'timeoutMs' && key !== 'problemTimeCapMs') || typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return null;
    limits[key] = ms;
  }
  return limits;
}

function readArms(value: unknown): StudyArm[] | null {
  if (!Array.isArray(value)) return null;
  const arms: StudyArm[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry['id'] !== 'string' || !isArmId(entry['id']) || typeof entry['label'] !== 'string') return null;
    if (typeof entry['forcedIterations'] !== 'boolean') return null;
    const checked = validatePipeline(entry['pipeline']);
    if (!checked.ok) return null;
    arms.push({ id: entry['id'], label: entry['label'], pipeline: checked.pipeline, forcedIterations: entry['forcedIterations'] });
  }
  return arms;
}

/** The Study form's draft in this tab; never throws. */
export class StudyDraftStore extends DraftStore<StudyFormDraft> {
  constructor(storage: SettingsStorage | undefined) {
    super(storage, STUDY_DRAFT_KEY, parseDraft);
  }
}
