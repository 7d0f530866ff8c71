/**
 * The engine a fresh Study or Search form starts on, and the sentence that says why. A newcomer on
 * a laptop with a GPU expects in-browser models; a browser whose only WebGPU adapter is a software
 * one (SwiftShader, as headless Chromium has) would run them at a few tokens a minute, and one
 * without an adapter not at all, so there the endpoint is the default and the form says why. The
 * engine the user picks on either form is remembered in this browser and wins from then on.
 */
import type { DeviceCapabilities } from '../../core/llm/catalog.ts';
import { describeAdapter } from '../../llm/capabilities.ts';
import { readSetting, writeSetting, type SettingsStorage } from '../models/saved-settings.ts';

export type ModelEngine = 'webllm' | 'openai';

export interface EngineDefault {
  engine: ModelEngine;
  /** The note beside the choice; empty when the user picked it (nothing to explain) or the GPU is not probed yet. */
  why: string;
}

export interface EngineDefaultInput {
  /** Null until the GPU is probed. */
  caps: DeviceCapabilities | null;
  /** The Models page has an endpoint saved (a model name for it). */
  endpointSaved: boolean;
  /** The engine the user picked on a form, remembered in this browser. */
  picked: ModelEngine | null;
}

const CHANGE = 'Pick the other engine to change it: this browser remembers the choice.';

export function defaultEngine({ caps, endpointSaved, picked }: EngineDefaultInput): EngineDefault {
  if (picked) return { engine: picked, why: '' };
  if (endpointSaved) return { engine: 'openai', why: `An endpoint is the default here because the Models page has one saved. ${CHANGE}` };
  if (!caps) return { engine: 'openai', why: '' };
  if (caps.webgpu !== 'available') {
    const reason = !caps.secureContext
      ? 'WebGPU needs a secure page (https:// or localhost) and this one is not'
      : caps.webgpu === 'missing'
        ? 'this browser has no WebGPU'
        : 'this browser offers no usable WebGPU adapter';
    return { engine: 'openai', why: `An endpoint is the default because ${reason}, so models cannot run in this browser.` };
  }
  // The adapter's name without describeAdapter's "(software)": the sentence says it itself.
  const name = caps.adapter ? describeAdapter({ ...caps, adapter: { ...caps.adapter, isFallbackAdapter: false } }) : 'an unnamed adapter';
  if (caps.adapter?.isFallbackAdapter === true) {
    return {
      engine: 'openai',
      why: `An endpoint is the default because this browser’s only WebGPU adapter is a software one (${name}): in-browser models would run on the CPU, far too slowly for a study. ${CHANGE}`,
    };
  }
  return { engine: 'webllm', why: `In this browser is the default: it has a GPU (${name}) that can run small models after a one-time download. ${CHANGE}` };
}

/** Where the picked engine is kept (localStorage), for both forms. */
export const PICKED_ENGINE_KEY = 'feedback-lab.engine';

export function readPickedEngine(storage: SettingsStorage | undefined): ModelEngine | null {
  const { engine } = readSetting<{ engine?: unknown }>(storage, PICKED_ENGINE_KEY, {});
  return engine === 'webllm' || engine === 'openai' ? engine : null;
}

export function writePickedEngine(storage: SettingsStorage | undefined, engine: ModelEngine): void {
  writeSetting(storage, PICKED_ENGINE_KEY, { engine });
}
