/**
 * Result files for tests: a real small study (the study fixtures' scripted truth, run through the
 * real interpreter into the in-memory store), and a synthetic one of any size.
 */
import { runProblem } from '../../../src/core/pipeline/interpret.ts';
import type { ExecuteStep, ModelStep, Step } from '../../../src/core/pipeline/trajectory.ts';
import type { StoredStudy } from '../../../src/core/ports.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import type { ResultEnvironment, ResultFile, ResultServedModel, ResultUnit } from '../../../src/core/results/result-file.ts';
import { studyPromptSet, type StudyConfig } from '../../../src/core/study/config.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { summarizeTrajectory } from '../../../src/core/study/unit-record.ts';
import { workPlan } from '../../../src/core/study/work-plan.ts';
import { llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { PROBLEMS, studyConfig, truthModel, truthSandbox } from '../study/study-fixtures.ts';

export function environment(overrides: Partial<ResultEnvironment> = {}): ResultEnvironment {
  return {
    appVersion: '0.1.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0',
    gpu: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true, features: ['shader-f16'] },
    webllmVersion: '0.2.86',
    pyodideVersion: '314.0.7',
    crossOriginIsolated: true,
    recordedAt: '2026-05-01T12:00:00.000Z',
    ...overrides,
  };
}

/** What a local Ollama says of the 3B model it serves (served-model.ts), with any field replaced. */
export function ollamaServedModel(overrides: Partial<ResultServedModel> = {}): ResultServedModel {
  return {
    endpoint: 'http://localhost:11434/v1',
    model: 'llama3.2:3b',
    server: 'ollama',
    contextTokens: 4096,
    sizeBytes: 3_400_000_000,
    gpuBytes: 3_400_000_000,
    quantization: 'Q4_K_M',
    parameterSize: '3.2B',
    unknownBecause: null,
    askedAt: '2026-11-23T02:00:00.000Z',
    ...overrides,
  };
}

export interface RunOptions {
  /** Run only the units whose plan position passes this test (others are never started). */
  only?: (order: number) => boolean;
  /** Units (by plan position) that stop after this many steps, left unfinished. */
  cutAfter?: Map<number, number>;
}

/** Runs the study fixtures' study into a MemoryStudyStore, as the study runner would. */
export async function runStoredStudy(config: StudyConfig = studyConfig(), options: RunOptions = {}): Promise<StoredStudy> {
  const store = new MemoryStudyStore();
  await store.putStudy(config);
  for (const unit of workPlan(config)) {
    if (options.only && !options.only(unit.order)) continue;
    const arm = config.arms[unit.armIndex]!;
    const problem = PROBLEMS.find((p) => p.id === unit.problemId)!;
    const writes: Promise<void>[] = [];
    const cut = options.cutAfter?.get(unit.order);
    const controller = new AbortController();
    try {
      const trajectory = await runProblem(
        problem,
        arm.pipeline,
        { model: () => truthModel(), sandbox: truthSandbox() },
        {
          mode: config.mode,
          repeat: unit.repeat,
          forcedIterations: arm.forcedIterations,
          promptSet: studyPromptSet(config),
          signal: controller.signal,
          now: () => 1000 + writes.length,
          onStep: (step) => {
            writes.push(store.appendStep(config.id, unit.id, step));
            if (cut !== undefined && writes.length >= cut) controller.abort();
          },
        },
      );
      await Promise.all(writes);
      await store.finishUnit(config.id, {
        unitId: unit.id,
        armId: unit.armId,
        repeat: unit.repeat,
        problemId: unit.problemId,
        result: { status: 'finished', trajectory: summarizeTrajectory(trajectory) },
      });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      await Promise.all(writes);
    }
  }
  return (await store.loadStudy(config.id))!;
}

export async function studyResultFile(options: RunOptions = {}, env = environment()): Promise<ResultFile> {
  const stored = await runStoredStudy(studyConfig(), options);
  return buildResultFile(stored.config, resultUnitsFromStore(stored), env);
}

export async function fileBytes(doc: ResultFile, gzip = false): Promise<Uint8Array> {
  return exportResultFile(doc, { gzip });
}

/**
 * A solo-arm study of `problems` × `repeats` finished units with `stepsPerUnit` steps each
 * (model and execute steps alternating), built without running anything: for size tests.
 */
export async function syntheticResultFile(problems: number, repeats: number, stepsPerUnit: number): Promise<ResultFile> {
  const base = studyConfig();
  const config: StudyConfig = {
    ...base,
    id: 'synthetic',
    selection: { kind: 'first', n: problems },
    problemIds: Array.from({ length: problems }, (_, i) => `HumanEval/${i}`),
    arms: [{ id: 'solo', label: 'solo', pipeline: llamaSolo, forcedIterations: false }],
    repeats,
  };
  const units: ResultUnit[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const problemId of config.problemIds) {
      const steps = Array.from({ length: stepsPerUnit }, (_, index) => syntheticStep(index));
      const last = steps[steps.length - 1];
      const verdict = last?.kind === 'execute' ? last.outcome : null;
      units.push({
        armId: 'solo',
        repeat,
        problemId,
        status: 'finished',
        trajectory: {
          problemId,
          pipelineId: llamaSolo.id,
          repeat,
          mode: config.mode,
          steps,
          verdict,
          passed: verdict?.kind === 'passed',
          finalCode: 'def f():\n    return 1',
          stopReason: 'completed',
        },
      });
    }
  }
  return buildResultFile(config, units, environment());
}

function syntheticStep(index: number): Step {
  const common = { index, stage: null, iteration: 0, startedAt: index, endedAt: index + 1 };
  if (index % 2 === 1) {
    const step: ExecuteStep = {
      ...common,
      kind: 'execute',
      nodeId: 'final.executor',
      attempt: (index - 1) / 2,
      final: false,
      code: 'def f():\n    return 1',
      mode: 'study',
      limits: { timeoutMs: 10_000, maxOutputChars: 1_000_000 },
      outcome: { kind: 'passed', durationMs: 3 },
    };
    return step;
  }
  const step: ModelStep = {
    ...common,
    kind: 'generate',
    nodeId: 'generator',
    modelKey: 'llama3.2:3b',
    modelId: 'Llama-3.2-3B-Instruct-q4f16_1-MLC',
    temperature: 0.3,
    maxTokens: 512,
    promptId: null,
    messages: [
      { role: 'system', content: 'Write Python.' },
      { role: 'user', content: 'def f():' },
    ],
    reply: '```python\ndef f():\n    return 1\n```',
    finishReason: 'stop',
    code: 'def f():\n    return 1',
    extraction: 'fenced-block',
    usage: { promptTokens: 10, completionTokens: 12, timeToFirstTokenMs: 50, decodeTokensPerSecond: 30, totalMs: 400 },
  };
  return step;
}

/**
 * Gives `unit` (finished) the run of its other repeat of the same arm and problem when that run
 * finished with the other verdict: another machine's copy of the unit, which sampled differently.
 * Returns whether it did (false when no such repeat exists). Changes `doc` in place.
 */
export function takeOtherVerdict(doc: ResultFile, unit: ResultUnit): boolean {
  const twin = doc.units.find((u) => u.armId === unit.armId && u.problemId === unit.problemId && u.repeat !== unit.repeat);
  if (unit.status !== 'finished' || twin?.status !== 'finished' || twin.trajectory.passed === unit.trajectory.passed) return false;
  unit.trajectory = { ...structuredClone(twin.trajectory), repeat: unit.repeat };
  return true;
}
