/**
 * The result file: one self-contained, versioned JSON document per study (DESIGN §3). It holds
 * the study config exactly as run, where it ran, and every step of every unit, so that anyone
 * can re-read, re-score, replay or merge a study without the app that produced it.
 *
 * This module holds only types and constants, with no validation library, so that the study
 * runner, the exporter and the UI can use them without loading the import path. The schema that
 * validates files (and generates docs/results-format.schema.json) is result-file-schema.ts, and
 * it is checked at compile time to describe exactly these types.
 */
import type { Trajectory, Step } from '../pipeline/trajectory.ts';
import type { StudyConfig } from '../study/config.ts';

export const RESULT_FILE_FORMAT = 'feedback-lab/results';
/** Bump on any change a reader of the previous version could not read, and add a migration. */
export const RESULT_FILE_VERSION = 3;

/** The WebGPU adapter a study ran on, as `GPUAdapter.info` reports it. */
export interface ResultGpuAdapter {
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader…): timings are not comparable with a real GPU. */
  isFallbackAdapter: boolean;
  /** Adapter features, sorted; `shader-f16` decides between q4f16_1 and q4f32_1 builds. */
  features: string[];
}

/** Where (part of) a study ran. A merged file lists one per shard. */
export interface ResultEnvironment {
  /** The Feedback Lab version that ran it. */
  appVersion: string;
  /** `navigator.userAgent`, or `Node.js v20.x (linux x64)` for the command line. */
  userAgent: string;
  /** Null without WebGPU (command line against an endpoint, replay). */
  gpu: ResultGpuAdapter | null;
  /** Versions of the engines loaded, null when not used. */
  webllmVersion: string | null;
  pyodideVersion: string | null;
  /** With it, Python timeouts interrupt in place; without it, a timed-out worker is replaced. */
  crossOriginIsolated: boolean;
  /** ISO 8601 time this environment was recorded: as the run it describes started, not the export (docs/results-format.md). */
  recordedAt: string;
  /**
   * What each endpoint said about the models it served (Ollama reports the context a loaded model
   * runs with; OpenAI-compatible APIs carry no such field). Absent when no model ran on an
   * endpoint, and in files written before version 2.
   */
  servedModels?: ResultServedModel[];
}

/**
 * One endpoint model as its server described it, asked once after the model's first reply of
 * the run (when it is surely loaded). Every figure is null when the server did not say it, and
 * `unknownBecause` then says why in plain words.
 */
export interface ResultServedModel {
  /** The API root the study sent requests to, e.g. `http://localhost:11434/v1`. */
  endpoint: string;
  /** The model's name as the study asked for it, e.g. `llama3.2:3b`. */
  model: string;
  /** `ollama` when the server answered Ollama's `/api/ps`; null when no server described the model. */
  server: 'ollama' | null;
  /** The context window the loaded model ran with, in tokens (Ollama's `/api/ps` `context_length`). */
  contextTokens: number | null;
  /** Memory the loaded model took, and the part of it on the GPU, in bytes (`size`, `size_vram`). */
  sizeBytes: number | null;
  gpuBytes: number | null;
  /** The weights' quantisation, e.g. `Q4_K_M` (`/api/show` `details.quantization_level`). */
  quantization: string | null;
  /** e.g. `3.2B`. */
  parameterSize: string | null;
  /** Why some figure is unknown (another server, a refusal, the model no longer loaded); null when all are known. */
  unknownBecause: string | null;
  /** ISO 8601 time the server was asked. */
  askedAt: string;
}

/**
 * One unit of work: one problem through one arm's pipeline in one repeat.
 * - `finished`: the pipeline reached a verdict; the trajectory holds every step.
 * - `errored`: the model kept failing (engine or network) through every retry; not a failed
 *   verdict, and left out of pass rates.
 * - `unfinished`: the study was paused or cancelled, or another shard ran the rest; the steps
 *   recorded so far, which a resumed run replays.
 */
export type ResultUnit =
  | (UnitKey & { status: 'finished'; trajectory: Trajectory })
  | (UnitKey & { status: 'errored'; message: string; attempts: number; steps: Step[] })
  | (UnitKey & { status: 'unfinished'; steps: Step[] });

export interface UnitKey {
  armId: string;
  /** 0-based. */
  repeat: number;
  problemId: string;
}

export interface ResultFile {
  format: typeof RESULT_FILE_FORMAT;
  version: typeof RESULT_FILE_VERSION;
  /** The Feedback Lab version that wrote this file (each shard's own is in `environments`). */
  appVersion: string;
  /** SHA-256 of the canonical JSON of `config` (see config-hash.ts): two shards merge only when equal. */
  configHash: string;
  config: StudyConfig;
  environments: ResultEnvironment[];
  /** Sorted by arm (config order), repeat, then problem (config order). */
  units: ResultUnit[];
}

/** The steps of a unit, finished or not. */
export function unitSteps(unit: ResultUnit): Step[] {
  return unit.status === 'finished' ? unit.trajectory.steps : unit.steps;
}

/** The key units are de-duplicated by. */
export function unitKey(unit: UnitKey): string {
  return JSON.stringify([unit.armId, unit.repeat, unit.problemId]);
}
