/**
 * Presenter links: `#/presenter?problem=HumanEval/0&preset=llama-self-refine&source=demo&autostart=1`
 * opens the presenter on a problem, a pipeline and a source, and can start it. Every parameter is
 * optional; the page fills the rest from its defaults, and says which parameters it could not use.
 * `source=file&file=NAME&problem=ID` replays that problem of a result file already open in the tab
 * (the Results page links this way), `&arm=ID&run=N` one run of it: the file itself cannot travel
 * in a link. A show from a file keeps the file in this browser and puts `kept=KEY` in its address,
 * so a reload finds the file again.
 */
import { readTaskId } from '../benchmarks/task-id.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { presetById } from '../pipeline/presets.ts';
import { baseUrlProblem } from '../study/config.ts';
import { findDemo, type DemoId } from './demos.ts';

export type PresenterSource = 'demo' | 'file' | 'endpoint' | 'webllm';
export const PRESENTER_SOURCES: readonly PresenterSource[] = ['demo', 'file', 'endpoint', 'webllm'];

/** Replay speeds; `step` waits for → at every scene. */
export type PlaybackSpeed = 0.5 | 1 | 2 | 4 | 8 | 'step';
export const PLAYBACK_SPEEDS: readonly PlaybackSpeed[] = [0.5, 1, 2, 4, 8, 'step'];

export interface PresenterLink {
  source: PresenterSource | null;
  demo: DemoId | null;
  problemId: string | null;
  presetId: string | null;
  mode: HarnessMode | null;
  speed: PlaybackSpeed | null;
  /** An OpenAI-compatible base URL (never with credentials) and the model to ask there. */
  endpoint: string | null;
  model: string | null;
  /** The name of a result file open in this tab, for source `file`. */
  fileName: string | null;
  /** For source `file`: the arm and the run (1 is the first repeat) of the problem to replay. */
  armId: string | null;
  run: number | null;
  /** For source `file`: the key the file is kept under in this browser (a reload reads it from there). */
  kept: string | null;
  autostart: boolean;
  /**
   * The Results page's query the presenter was opened from (`results=problem%3DHumanEval%2F3…`),
   * so it can offer "← Results" back to the same problem, run and filters; null otherwise.
   */
  results: string | null;
  /**
   * The scene a replay was on (1 is the problem): the page keeps it in its address during a show,
   * so a reload mid-talk comes back to the same place instead of the setup.
   */
  scene: number | null;
}

export interface PresenterLinkReading {
  link: PresenterLink;
  /** One sentence per parameter that was ignored. */
  problems: string[];
}

export function readPresenterLink(query: URLSearchParams): PresenterLinkReading {
  const problems: string[] = [];
  const link: PresenterLink = {
    source: null,
    demo: null,
    problemId: null,
    presetId: null,
    mode: null,
    speed: null,
    endpoint: null,
    model: null,
    fileName: null,
    armId: null,
    run: null,
    kept: null,
    autostart: query.get('autostart') === '1' || query.get('autostart') === 'true',
    results: null,
    scene: null,
  };
  const source = query.get('source');
  if (source !== null) {
    if ((PRESENTER_SOURCES as readonly string[]).includes(source)) link.source = source as PresenterSource;
    else problems.push(`source=${source} is not one of ${PRESENTER_SOURCES.join(', ')}.`);
  }
  const demo = query.get('demo');
  if (demo !== null) {
    const found = findDemo(demo);
    if (found) link.demo = found.id;
    else problems.push(`demo=${demo} is not a built-in demo.`);
  }
  const problem = query.get('problem');
  if (problem !== null) {
    const reading = readTaskId(/^HumanEval\//i.test(problem.trim()) ? 'humaneval' : 'mbpp', problem);
    if (reading.kind === 'ok') link.problemId = reading.id;
    else problems.push(`problem=${problem} is not a HumanEval or MBPP task id (HumanEval/0, Mbpp/2).`);
  }
  const preset = query.get('preset');
  if (preset !== null) {
    if (presetById(preset)) link.presetId = preset;
    else problems.push(`preset=${preset} is not a known pipeline preset.`);
  }
  const mode = query.get('mode');
  if (mode !== null) {
    if (mode === 'study' || mode === 'standard') link.mode = mode;
    else problems.push(`mode=${mode} is not study or standard.`);
  }
  const speed = query.get('speed');
  if (speed !== null) {
    const parsed = speed === 'step' ? 'step' : Number(speed.replace(/x$/i, ''));
    if ((PLAYBACK_SPEEDS as readonly (number | string)[]).includes(parsed)) link.speed = parsed as PlaybackSpeed;
    else problems.push(`speed=${speed} is not one of 0.5, 1, 2, 4, 8 or step.`);
  }
  const endpoint = query.get('endpoint');
  if (endpoint !== null) {
    const problem = baseUrlProblem(endpoint);
    if (problem === null) link.endpoint = endpoint;
    else problems.push(`endpoint: ${problem}`);
  }
  const model = query.get('model');
  if (model !== null && model.trim() !== '') link.model = model.trim();
  const file = query.get('file');
  if (file !== null && file.trim() !== '') link.fileName = file.trim();
  const arm = query.get('arm');
  if (arm !== null && arm.trim() !== '') link.armId = arm.trim();
  const run = query.get('run');
  if (run !== null) {
    if (/^[1-9]\d{0,3}$/.test(run.trim())) link.run = Number(run.trim());
    else problems.push(`run=${run} is not a run number (1 is the first).`);
  }
  // Only ever a query for the Results page (re-encoded here), never an address to go elsewhere.
  const results = query.get('results');
  if (results !== null) link.results = new URLSearchParams(results).toString();
  const kept = query.get('kept');
  if (kept !== null && /^[\w-]{1,64}$/.test(kept.trim())) link.kept = kept.trim();
  const scene = query.get('scene');
  if (scene !== null) {
    if (/^[1-9]\d{0,3}$/.test(scene.trim())) link.scene = Number(scene.trim());
    else problems.push(`scene=${scene} is not a scene number (1 is the problem).`);
  }
  return { link, problems };
}

/** The query for a link, with only the parameters that are set. */
export function presenterLinkQuery(link: Partial<PresenterLink>): Record<string, string> {
  const query: Record<string, string> = {};
  if (link.source) query.source = link.source;
  if (link.demo) query.demo = link.demo;
  if (link.problemId) query.problem = link.problemId;
  if (link.presetId) query.preset = link.presetId;
  if (link.mode) query.mode = link.mode;
  if (link.speed !== undefined && link.speed !== null) query.speed = String(link.speed);
  if (link.endpoint) query.endpoint = link.endpoint;
  if (link.model) query.model = link.model;
  if (link.fileName) query.file = link.fileName;
  if (link.armId) query.arm = link.armId;
  if (link.run) query.run = String(link.run);
  if (link.kept) query.kept = link.kept;
  if (link.autostart) query.autostart = '1';
  if (link.scene) query.scene = String(link.scene);
  if (link.results !== undefined && link.results !== null) query.results = link.results;
  return query;
}
