/**
 * The study page's form: what to run (benchmark, problems, arms, repeats, harness mode) and on
 * what (WebLLM, an endpoint, or a replayed file). Its state maps both ways onto a study link, so
 * "Copy study link" and opening one are the same data, and a link's study is exactly the study
 * the form would start.
 */
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { llmNodes, maxModelCalls, type Pipeline } from '../../core/pipeline/genome.ts';
import { webllmIdFor } from '../../core/pipeline/model-keys.ts';
import { pairingMatrix, PRESETS, presetById } from '../../core/pipeline/presets.ts';
import { MAX_ARMS, MAX_REPEATS, STUDY_DEFAULT_LIMITS, type StudyArm, type StudyLimits } from '../../core/study/config.ts';
import type { StudyDraft } from '../../core/study/create-config.ts';
import { draftFromLink, linkNameProblem, type StudyLink } from '../../core/study/link.ts';
import { ModelEngineForm } from '../shared/model-engine-form.svelte.ts';
import { wholeProblem } from '../../core/number-problems.ts';
import { FormProblems } from '../shared/form-problems.ts';
import { idsProblem, selectedCount, selectionProblems, selectionSpecOf, type SeedField, type SelectionKind } from '../shared/problem-selection.ts';
import { replayArms, replayBindings, type ReplaySource } from './replay-study.ts';
import { aRole, describeStudyEffect, listIds, promptSetEffect, promptUses, type PromptSetEffect } from '../../core/prompts/prompt-set-effect.ts';
import type { PromptSet } from '../../core/prompts/prompt-set.ts';
import { PromptSetPicker } from '../shared/prompt-set-picker.svelte.ts';

export type EngineChoice = 'webllm' | 'openai' | 'replay';

/** A study's draw takes any whole seed, as its links always have (the generator keeps 32 bits of it). */
const STUDY_SEED: SeedField = { label: 'Seed', range: {} };

export const PAIRING_MATRIX: readonly Pipeline[] = pairingMatrix();

function armOf(pipeline: Pipeline): StudyArm {
  return { id: pipeline.id, label: pipeline.name, pipeline, forcedIterations: false };
}

export class StudyForm extends ModelEngineForm {
  name = $state('');
  benchmark = $state<BenchmarkId>('humaneval');
  selectionKind = $state<SelectionKind>('first');
  n = $state(10);
  seed = $state(1);
  idsText = $state('');
  /** Presets chosen as arms, by id. */
  presetIds = $state<string[]>(['llama-solo', 'llama-self-refine']);
  /**
   * Chosen arms' ids in the order the study runs them, which is the order of its units and of
   * its tables' rows. A link's arms keep the link's order (load → copy → run gives the same
   * study); an arm ticked by hand goes after the arms already chosen, in the order ticked, and
   * unticking takes it out. Chosen arms not named here (the pairing matrix's, a draft from an
   * older build) follow, in the list's order.
   */
  armOrder = $state<string[]>(['llama-solo', 'llama-self-refine']);
  /** Every generator × refiner pairing over the search pool, as one choice. */
  pairingMatrix = $state(false);
  /** Arms a link brought that are not unmodified presets; each can be unticked. */
  linkArms = $state.raw<StudyArm[]>([]);
  linkArmIds = $state<string[]>([]);
  repeats = $state(1);
  mode = $state<HarnessMode>('study');
  engine = $state<EngineChoice>('openai');
  limits = $state.raw<Partial<Pick<StudyLimits, 'timeoutMs' | 'problemTimeCapMs'>>>({});
  replay = $state.raw<ReplaySource | null>(null);
  /** A prompt set file whose texts the study sends instead of the built-in ones (not for a replay: its file has its texts). */
  readonly prompts = new PromptSetPicker();

  arms: StudyArm[] = $derived(this.#arms());
  modelKeys: string[] = $derived([...new Set(this.arms.flatMap((arm) => llmNodes(arm.pipeline).map(({ node }) => node.model)))]);
  promptEffect: PromptSetEffect | null = $derived(
    this.prompts.loaded ? promptSetEffect(this.prompts.loaded.promptSet, promptUses(this.arms.map((arm) => arm.pipeline))) : null,
  );

  /** What the loaded set changes for the chosen arms, one sentence each; empty without a set. */
  get promptSetLines(): string[] {
    return this.promptEffect ? describeStudyEffect(this.promptEffect, this.arms.length) : [];
  }

  /** The set the study starts with: none for a replay, which sends nothing and records its file's texts. */
  get promptSet(): PromptSet | undefined {
    return this.engine === 'replay' ? undefined : this.prompts.promptSet;
  }

  /**
   * Prompt ids the chosen arms send with the loaded set's texts, which a study link cannot
   * carry: opened elsewhere, the link would send the built-in texts for them. Empty when the
   * link describes this study exactly (no set, or a set that changes nothing the arms send).
   */
  promptsALinkWouldLose(): string[] {
    return this.promptSet ? (this.promptEffect?.changedInUse ?? []) : [];
  }

  /**
   * What the loaded set does to these pipelines (one arm's card, or the pairing matrix's): the
   * ids it changes that they send, and the ids it gives another role. Null without a set or for a replay.
   */
  promptSetEffectOn(pipelines: readonly Pipeline[]): PromptSetEffect | null {
    const set = this.promptSet;
    return set ? promptSetEffect(set, promptUses(pipelines)) : null;
  }

  /** Every ticked arm, ticked presets first, then the matrix's, then the link's; an id may come twice. */
  #ticked(): StudyArm[] {
    if (this.engine === 'replay') return [];
    const presets = PRESETS.filter((p) => this.presetIds.includes(p.id)).map(armOf);
    const matrix = this.pairingMatrix ? PAIRING_MATRIX.map(armOf) : [];
    const fromLink = this.linkArms.filter((arm) => this.linkArmIds.includes(arm.id));
    return [...presets, ...matrix, ...fromLink];
  }

  /**
   * Ticked arms that share an id but are not the same arm (a link's changed copy of a preset,
   * kept under the preset's id, and that preset ticked by hand): only one of them could run, and
   * the other's box stayed ticked with nothing said. Each pair by label, first ticked first.
   */
  armClashes: [string, string, string][] = $derived(this.#clashes());

  #clashes(): [string, string, string][] {
    const first = new Map<string, StudyArm>();
    const clashes: [string, string, string][] = [];
    for (const arm of this.#ticked()) {
      const earlier = first.get(arm.id);
      if (!earlier) first.set(arm.id, arm);
      else if (JSON.stringify(earlier) !== JSON.stringify(arm)) clashes.push([arm.id, earlier.label, arm.label]);
    }
    return clashes;
  }

  #arms(): StudyArm[] {
    if (this.engine === 'replay') return this.replay ? replayArms(this.replay.doc) : [];
    // One arm per id: a link arm or the matrix may repeat a ticked preset (an arm that is not the same is an armClash).
    const byId = new Map<string, StudyArm>();
    for (const arm of this.#ticked()) if (!byId.has(arm.id)) byId.set(arm.id, arm);
    const order = this.armOrder;
    const rank = (arm: StudyArm) => (order.includes(arm.id) ? order.indexOf(arm.id) : order.length);
    // A stable sort: arms the order does not name keep the list's order, after those it does.
    return [...byId.values()].sort((a, b) => rank(a) - rank(b));
  }

  /** The arms' names in the order they run, for the line under the arm list (two arms or more). */
  get armOrderNote(): string | null {
    if (this.engine === 'replay' || this.arms.length < 2) return null;
    return `They run, and their results are listed, in this order: ${this.arms.map((arm) => arm.label).join(', ')}.`;
  }

  /**
   * The line under the form: arms × repeats (a replay's recorded repeats). The page shows it only
   * while `problems()` is empty, so Repeats holds a whole number here; an emptied field is said to
   * be empty by `problems()`, in the list that takes this line's place.
   */
  get plan(): string {
    const arms = `${this.arms.length} arm${this.arms.length === 1 ? '' : 's'}`;
    const repeats = this.engine === 'replay' && this.replay ? this.replay.doc.config.repeats : this.repeats;
    return `${arms} × ${repeats} repeat${repeats === 1 ? '' : 's'} over the chosen problems.`;
  }

  /** What the chosen problems are, in a sentence under the fields that choose them. */
  get selectionNote(): string {
    const name = this.benchmark === 'mbpp' ? 'MBPP' : 'HumanEval';
    switch (this.selectionKind) {
      case 'all':
        return `Every ${name} problem, in the file’s order (the paper reports HumanEval on 164, MBPP on 427).`;
      case 'first':
        return `The first N ${name} problems, in the file’s order: a quick look, not a sample.`;
      case 'random':
        return `N ${name} problems drawn at random: the same seed draws the same problems, so a link or a result file can name the draw.`;
      case 'ids':
        return `Exactly these problems, in this order: numbers, or ids as the file writes them, separated by commas or spaces.`;
      case 'mbpp-test-split':
        return 'MBPP’s official test split: the tasks numbered 11 to 510 (257 of them in sanitized MBPP).';
    }
  }

  /**
   * The Python time limits the study will run with. The form has no fields for them, but a study
   * link can set them: then they are said, with the study's own, so they do not ride along unseen
   * into every study started from the form afterwards (`useStudyLimits` puts them back).
   */
  get limitsNote(): string {
    const seconds = (ms: number) => `${(ms / 1000).toLocaleString('en')} s`;
    const timeout = this.limits.timeoutMs ?? STUDY_DEFAULT_LIMITS.timeoutMs;
    const cap = this.limits.problemTimeCapMs ?? STUDY_DEFAULT_LIMITS.problemTimeCapMs;
    const limits = `each program may run ${seconds(timeout)} (a few slow tasks more), and each problem ${seconds(cap)} in all`;
    if (!this.limitsFromLink) return `Python time limits: ${limits}, as in the paper.`;
    return `Python time limits from the study link: ${limits} (the paper’s are ${seconds(STUDY_DEFAULT_LIMITS.timeoutMs)} and ${seconds(STUDY_DEFAULT_LIMITS.problemTimeCapMs)}).`;
  }

  /** Whether a study link set time limits other than the study's own. */
  get limitsFromLink(): boolean {
    return Object.keys(this.limits).length > 0;
  }

  /** Goes back to the paper's time limits, dropping those a study link set. */
  useStudyLimits(): void {
    this.limits = {};
  }

  /** What repeats and the harness mode do, in a sentence under their fields. */
  get runNote(): string {
    const mode =
      this.mode === 'study'
        ? 'Study mode runs each reply’s code with the tests alone, as the paper’s runner did: a reply that leaves out the prompt’s imports fails with a NameError, and HumanEval/32, 38 and 50 pass only when a reply writes out again the helpers their prompts define, which their tests call.'
        : 'Standard mode puts the HumanEval prompt (its imports and helpers) before each reply’s code, as openai/human-eval does; MBPP programs run alike in both modes.';
    return `A repeat runs every arm on every problem again; the models sample at T > 0, so repeats show how much a score varies (the paper ran 5). ${mode}`;
  }

  /**
   * What the study costs before it runs: units (one problem through one arm, once per repeat)
   * and the most model calls they can make; an arm that stops at the first pass makes fewer.
   * Null when the problems cannot be counted yet (fields that cannot start, or the MBPP test
   * split before MBPP is loaded). `loaded` is the benchmark's problems once they are.
   */
  cost(loaded?: readonly Problem[]): string | null {
    if (this.arms.length === 0) return null;
    const replay = this.engine === 'replay' ? this.replay : null;
    if (this.engine === 'replay' && !replay) return null;
    const count = replay ? replay.doc.config.problemIds.length : selectedCount(this, STUDY_SEED, loaded);
    const repeats = replay ? replay.doc.config.repeats : this.repeats;
    if (count === null || this.problems(loaded).length > 0) return null;
    const units = count * this.arms.length * repeats;
    const calls = count * repeats * this.arms.reduce((n, arm) => n + maxModelCalls(arm.pipeline), 0);
    const stopsEarly = this.arms.some((arm) => !arm.forcedIterations && maxModelCalls(arm.pipeline) > 1);
    const plural = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
    // Said after the plan line ("2 arms × 1 repeat over the chosen problems."), which names arms and repeats.
    const head = `On ${plural(count, 'problem')}: ${plural(units, 'unit')} (a unit is one problem through one arm, once)`;
    if (replay) return `${head}. A replay calls no model: every reply comes from the file, and only Python runs here.`;
    return `${head}, at most ${plural(calls, 'model call')}${stopsEarly ? ' (fewer when a unit passes before its last iteration)' : ''}.`;
  }

  /**
   * Every number of the form a study cannot be started with, one sentence each naming the field
   * and what it takes; empty when it can start. A replay brings its own problems and repeats.
   * With the benchmark's problems (`loaded`), typed ids it does not hold are named too.
   */
  problems(loaded?: readonly Problem[]): string[] {
    if (this.engine === 'replay') return [];
    const repeats = wholeProblem('Repeats', this.repeats, { min: 1, max: MAX_REPEATS });
    const ids = idsProblem(this, loaded);
    // Run study is disabled without an arm: this says why, where the plan line would be.
    const arms = this.arms.length === 0 ? 'Arms: none chosen. Tick at least one arm to run.' : this.#tooManyArms();
    const clashes = this.armClashes.map(
      ([id, one, other]) => `Arms: “${one}” and “${other}” (from the study link) are both called ${id}, and a study runs one arm per id. Untick one of them.`,
    );
    const endpoint = this.endpointProblem();
    return [
      ...this.#splitProblem(),
      ...selectionProblems(this, STUDY_SEED),
      ...(ids ? [ids] : []),
      ...(arms ? [arms] : []),
      ...clashes,
      ...(repeats ? [repeats] : []),
      ...this.#promptSetProblems(),
      ...(endpoint ? [endpoint] : []),
    ];
  }

  /**
   * The MBPP test split kept after Benchmark went to HumanEval: the choice leaves the list (it is
   * MBPP's), so the field showed blank while the plan line and a copied link said nothing, the
   * link could not be opened, and Run study was refused only by the config check, in its words.
   */
  #splitProblem(): string[] {
    if (this.selectionKind !== 'mbpp-test-split' || this.benchmark === 'mbpp') return [];
    return ['Problems: the MBPP test split is MBPP’s. Choose MBPP as the benchmark, or which HumanEval problems to run.'];
  }

  /**
   * More arms than a study holds (a link's own arms, with presets or the pairing matrix ticked as
   * well): said with the others, as the config check (and a link opened anywhere) would refuse them.
   */
  #tooManyArms(): string | null {
    const over = this.arms.length - MAX_ARMS;
    if (over <= 0) return null;
    return `Arms: ${this.arms.length} chosen, and a study runs at most ${MAX_ARMS}. Untick ${over} of them.`;
  }

  /**
   * A set that gives a prompt the arms send another role: the study config refuses it, so say it
   * with the form's other problems, in the set's terms, before Run study is pressed.
   */
  #promptSetProblems(): string[] {
    const loaded = this.prompts.loaded;
    if (!loaded || !this.promptEffect) return [];
    return this.promptEffect.misfits.map(
      (m) =>
        `Prompt set: ${m.id} is ${aRole(m.setRole)} prompt in ${loaded.fileName}, but the chosen arms send it from ${aRole(m.usedAs)}. ` +
        `Make it ${aRole(m.usedAs)} prompt in the file, untick the arms that send it, or remove the prompt set.`,
    );
  }

  togglePreset(id: string, on: boolean): void {
    this.presetIds = on ? [...new Set([...this.presetIds, id])] : this.presetIds.filter((x) => x !== id);
    this.#order(id, on);
  }

  toggleLinkArm(id: string, on: boolean): void {
    this.linkArmIds = on ? [...new Set([...this.linkArmIds, id])] : this.linkArmIds.filter((x) => x !== id);
    this.#order(id, on);
  }

  /** A ticked arm goes last; an unticked one leaves the order (ticked again, it goes last again). */
  #order(id: string, on: boolean): void {
    const rest = this.armOrder.filter((x) => x !== id);
    this.armOrder = on ? [...rest, id] : rest;
  }


  /**
   * The study link for the form (engine webllm or openai); throws with a sentence (or FormProblems) when it cannot be one.
   * `loaded`: the benchmark's problems, so typed ids it does not hold refuse the link too.
   */
  toLink(options: { autorun?: boolean; loaded?: readonly Problem[] } = {}): StudyLink {
    if (this.engine === 'replay') throw new Error('A replayed study cannot be shared as a link; share the result file instead.');
    if (this.arms.length === 0) throw new Error('Choose at least one arm.');
    const problems = this.problems(options.loaded);
    if (problems.length > 0) throw new FormProblems(problems);
    // problems() has checked the endpoint's address.
    const endpoint = this.endpoint.trim();
    const modelNames: Record<string, string> = {};
    for (const key of this.modelKeys) {
      const name = this.modelNameFor(key);
      const usual = this.engine === 'openai' ? key : webllmIdFor(key, this.shaderF16);
      if (name && name !== usual) modelNames[key] = name;
    }
    return {
      ...(this.name.trim() ? { name: this.name.trim() } : {}),
      benchmark: this.benchmark,
      selection: selectionSpecOf(this, STUDY_SEED),
      arms: this.arms,
      repeats: this.repeats,
      mode: this.mode,
      engine: this.engine,
      ...(this.engine === 'openai' ? { endpoint } : {}),
      modelNames,
      ...(Object.keys(this.limits).length > 0 ? { limits: this.limits } : {}),
      autorun: options.autorun ?? false,
    };
  }

  /**
   * The link "Copy study link" gives: the form's link, refused with a sentence when the loaded
   * prompt set changes texts the arms send, because the link would quietly run another study.
   * With the benchmark's problems (`loaded`), as the page has them, a link is refused while the
   * form says its ids name problems the benchmark does not hold: copied, it named another study.
   * A study name longer than a link carries is refused too: copied, every browser refused the link.
   */
  linkForSharing(loaded?: readonly Problem[]): StudyLink {
    const lost = this.promptsALinkWouldLose();
    if (lost.length > 0) {
      throw new Error(
        `No link was copied: a study link cannot carry prompt texts, so opened anywhere it would send the built-in texts for ${listIds(lost)} instead of the loaded set's. ` +
          'To share this study, run it and share its result file (Export .json): it holds the texts, and feedback-lab run --study FILE runs the study again with them. ' +
          'Remove the prompt set to copy a link that sends the built-in texts.',
      );
    }
    const link = this.toLink(loaded ? { loaded } : {});
    const nameProblem = link.name === undefined ? null : linkNameProblem(link.name);
    if (nameProblem) throw new Error(nameProblem);
    return link;
  }

  /**
   * The study link the form describes now, as text to compare (null when it describes none): a
   * link copied earlier is stale once this differs from what it was when copied.
   */
  linkKey(): string | null {
    try {
      return JSON.stringify(this.toLink());
    } catch {
      return null;
    }
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

  /** Fills the form from a decoded link. A link describes the whole study, built-in prompt texts included: a loaded set is put away. */
  fromLink(link: StudyLink): void {
    this.prompts.putAway(
      (fileName) =>
        `The study link put away the prompt set ${fileName}: a link describes its study with the built-in texts, so that is what it runs. ` +
        'Pick the file again to send its texts in this study.',
    );
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
    // The checkboxes list presets first, then the link's other arms; the study keeps the link's order.
    this.armOrder = link.arms.map((arm) => arm.id);
    this.repeats = link.repeats;
    this.mode = link.mode;
    this.engine = link.engine;
    if (link.endpoint !== undefined) this.pointAt(link.endpoint);
    this.modelNames = { ...link.modelNames };
    this.limits = link.limits ?? {};
  }
}
