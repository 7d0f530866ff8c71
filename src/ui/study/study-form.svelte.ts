/**
 * The study page's form: what to run (benchmark, problems, arms, repeats, harness mode) and on
 * what (WebLLM, an endpoint, or a replayed file). Its state maps both ways onto a study link, so
 * "Copy study link" and opening one are the same data, and a link's study is exactly the study
 * the form would start.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { SelectionSpec } from '../../core/benchmarks/selection.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { llmNodes, type Pipeline } from '../../core/pipeline/genome.ts';
import { webllmIdFor } from '../../core/pipeline/model-keys.ts';
import { pairingMatrix, PRESETS, presetById } from '../../core/pipeline/presets.ts';
import type { StudyArm, StudyLimits } from '../../core/study/config.ts';
import type { StudyDraft } from '../../core/study/create-config.ts';
import { draftFromLink, type StudyLink } from '../../core/study/link.ts';
import { replayArms, replayBindings, type ReplaySource } from './replay-study.ts';

export type EngineChoice = 'webllm' | 'openai' | 'replay';
export type SelectionKind = SelectionSpec['kind'];

export const PAIRING_MATRIX: readonly Pipeline[] = pairingMatrix();

function armOf(pipeline: Pipeline): StudyArm {
  return { id: pipeline.id, label: pipeline.name, pipeline, forcedIterations: false };
}

export class StudyForm {
  name = $state('');
  benchmark = $state<BenchmarkId>('humaneval');
  selectionKind = $state<SelectionKind>('first');
  n = $state(10);
  seed = $state(1);
  idsText = $state('');
  /** Presets chosen as arms, by id. */
  presetIds = $state<string[]>(['llama-solo', 'llama-self-refine']);
  /** Every generator × refiner pairing over the search pool, as one choice. */
  pairingMatrix = $state(false);
  /** Arms a link brought that are not unmodified presets; each can be unticked. */
  linkArms = $state.raw<StudyArm[]>([]);
  linkArmIds = $state<string[]>([]);
  repeats = $state(1);
  mode = $state<HarnessMode>('study');
  engine = $state<EngineChoice>('openai');
  endpoint = $state('');
  /** Model key → the endpoint's model name (engine openai) or a WebLLM build id (engine webllm). */
  modelNames = $state<Record<string, string>>({});
  /** Sent to the endpoint only; never part of a study, its link or its result file. */
  apiKey = $state('');
  /** The endpoint's default model name (from the Models page settings) for keys not named here. */
  defaultEndpointModel = $state('');
  limits = $state.raw<Partial<Pick<StudyLimits, 'timeoutMs' | 'problemTimeCapMs'>>>({});
  replay = $state.raw<ReplaySource | null>(null);
  /** Whether this GPU has shader-f16 (decides WebLLM builds); set once probed. */
  shaderF16 = $state(true);

  arms: StudyArm[] = $derived(this.#arms());
  modelKeys: string[] = $derived([...new Set(this.arms.flatMap((arm) => llmNodes(arm.pipeline).map(({ node }) => node.model)))]);

  #arms(): StudyArm[] {
    if (this.engine === 'replay') return this.replay ? replayArms(this.replay.doc) : [];
    const presets = PRESETS.filter((p) => this.presetIds.includes(p.id)).map(armOf);
    const matrix = this.pairingMatrix ? PAIRING_MATRIX.map(armOf) : [];
    const fromLink = this.linkArms.filter((arm) => this.linkArmIds.includes(arm.id));
    // One arm per id: a link arm or the matrix may repeat a ticked preset.
    const byId = new Map<string, StudyArm>();
    for (const arm of [...presets, ...matrix, ...fromLink]) if (!byId.has(arm.id)) byId.set(arm.id, arm);
    return [...byId.values()];
  }

  togglePreset(id: string, on: boolean): void {
    this.presetIds = on ? [...new Set([...this.presetIds, id])] : this.presetIds.filter((x) => x !== id);
  }

  toggleLinkArm(id: string, on: boolean): void {
    this.linkArmIds = on ? [...new Set([...this.linkArmIds, id])] : this.linkArmIds.filter((x) => x !== id);
  }

  /** The name a key is sent under: chosen here, else the default for the engine. */
  modelNameFor(key: string): string {
    const chosen = this.modelNames[key]?.trim();
    if (chosen) return chosen;
    if (this.engine === 'webllm') return webllmIdFor(key, this.shaderF16) ?? '';
    return this.defaultEndpointModel.trim() || key;
  }

  selection(): SelectionSpec {
    switch (this.selectionKind) {
      case 'all':
      case 'mbpp-test-split':
        return { kind: this.selectionKind };
      case 'first':
        return { kind: 'first', n: Math.round(this.n) };
      case 'random':
        return { kind: 'random', n: Math.round(this.n), seed: Math.round(this.seed) };
      case 'ids':
        return { kind: 'ids', ids: parseIds(this.idsText, this.benchmark) };
      default: {
        const never: never = this.selectionKind;
        throw new Error(`Unknown selection ${String(never)}.`);
      }
    }
  }

  /** The study link for the form (engine webllm or openai); throws with a sentence when it cannot be one. */
  toLink(options: { autorun?: boolean } = {}): StudyLink {
    if (this.engine === 'replay') throw new Error('A replayed study cannot be shared as a link; share the result file instead.');
    if (this.arms.length === 0) throw new Error('Choose at least one arm.');
    const endpoint = this.endpoint.trim();
    if (this.engine === 'openai' && !endpoint) throw new Error('Give the endpoint’s address, e.g. http://localhost:11434/v1.');
    const modelNames: Record<string, string> = {};
    for (const key of this.modelKeys) {
      const name = this.modelNameFor(key);
      const usual = this.engine === 'openai' ? key : webllmIdFor(key, this.shaderF16);
      if (name && name !== usual) modelNames[key] = name;
    }
    return {
      ...(this.name.trim() ? { name: this.name.trim() } : {}),
      benchmark: this.benchmark,
      selection: this.selection(),
      arms: this.arms,
      repeats: Math.round(this.repeats),
      mode: this.mode,
      engine: this.engine,
      ...(this.engine === 'openai' ? { endpoint } : {}),
      modelNames,
      ...(Object.keys(this.limits).length > 0 ? { limits: this.limits } : {}),
      autorun: options.autorun ?? false,
    };
  }

  /** The draft the form describes, models bound for this device. Throws with a sentence when incomplete. */
  toDraft(): StudyDraft {
    if (this.engine !== 'replay') return draftFromLink(this.toLink(), { shaderF16: this.shaderF16 });
    const source = this.replay;
    if (!source) throw new Error('Choose the result file to replay.');
    const recorded = source.doc.config;
    return {
      name: this.name.trim() || `Replay of ${recorded.name}`,
      benchmark: recorded.benchmark,
      // The recorded problems, in the recorded order.
      selection: { kind: 'ids', ids: recorded.problemIds },
      arms: replayArms(source.doc),
      repeats: recorded.repeats,
      mode: this.mode,
      models: replayBindings(source.doc),
      limits: recorded.limits,
      sampling: recorded.sampling,
      seeds: recorded.seeds,
    };
  }

  /** Fills the form from a decoded link. */
  fromLink(link: StudyLink): void {
    this.name = link.name ?? '';
    this.benchmark = link.benchmark;
    const selection = link.selection;
    this.selectionKind = selection.kind;
    if (selection.kind === 'first' || selection.kind === 'random') this.n = selection.n;
    if (selection.kind === 'random') this.seed = selection.seed;
    if (selection.kind === 'ids') this.idsText = selection.ids.join(', ');
    const presets: string[] = [];
    const others: StudyArm[] = [];
    for (const arm of link.arms) {
      const preset = presetById(arm.id);
      const same = preset && !arm.forcedIterations && arm.label === preset.name && JSON.stringify(preset) === JSON.stringify(arm.pipeline);
      if (same) presets.push(arm.id);
      else others.push(arm);
    }
    this.presetIds = presets;
    this.pairingMatrix = false;
    this.linkArms = others;
    this.linkArmIds = others.map((arm) => arm.id);
    this.repeats = link.repeats;
    this.mode = link.mode;
    this.engine = link.engine;
    if (link.endpoint !== undefined) this.endpoint = link.endpoint;
    this.modelNames = { ...link.modelNames };
    this.limits = link.limits ?? {};
  }
}

/** `0, 2 HumanEval/5` → canonical-looking ids; bare numbers get the benchmark's prefix. */
export function parseIds(text: string, benchmark: BenchmarkId): string[] {
  const prefix = benchmark === 'mbpp' ? 'Mbpp/' : 'HumanEval/';
  return text
    .split(/[\s,;]+/)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? `${prefix}${Number(part)}` : part));
}
