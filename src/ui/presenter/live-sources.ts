/**
 * Where a live show's replies come from: an OpenAI-compatible endpoint, or WebLLM in this tab.
 * The WebLLM modules are imported only when that source is chosen: they are megabytes.
 */
import type { LanguageModel } from '../../core/ports.ts';
import type { Pipeline } from '../../core/pipeline/genome.ts';
import { llmNodes } from '../../core/pipeline/genome.ts';
import { webllmIdFor } from '../../core/pipeline/model-keys.ts';
import { createOpenAICompatibleModel } from '../../llm/openai-compatible.ts';
import { DownloadAnnouncer } from '../models/download-announcement.ts';
import type { PendingDownload } from '../../llm/weights-to-download.ts';
import type { LivePorts } from './live-show.svelte.ts';

export interface EndpointChoice {
  baseUrl: string;
  model: string;
  apiKey: string;
}

/** An endpoint serves one model here: every role of the pipeline asks it. */
export function endpointPorts(choice: EndpointChoice, sandbox: LivePorts['sandbox'], dropSandbox?: LivePorts['dropSandbox']): LivePorts {
  const model = createOpenAICompatibleModel({
    baseUrl: choice.baseUrl.trim(),
    model: choice.model,
    ...(choice.apiKey ? { apiKey: choice.apiKey } : {}),
  });
  return { modelFor: () => model, sandbox, ...(dropSandbox ? { dropSandbox } : {}) };
}

/** The pipeline's model keys as WebLLM builds for this GPU, loaded (downloaded if need be) before the run. */
export async function webllmPorts(pipeline: Pipeline, sandbox: LivePorts['sandbox'], dropSandbox?: LivePorts['dropSandbox']): Promise<LivePorts> {
  const [{ installedCatalog }, { sharedWebLLMSession }, { probeCapabilities }, { hasShaderF16 }] = await Promise.all([
    import('../../llm/webllm-installed.ts'),
    import('../../llm/webllm-session.ts'),
    import('../../llm/capabilities.ts'),
    import('../../core/llm/catalog.ts'),
  ]);
  const session = sharedWebLLMSession(installedCatalog);
  let ids = new Map<string, string>();
  const models = new Map<string, LanguageModel>();
  return {
    sandbox,
    ...(dropSandbox ? { dropSandbox } : {}),
    modelFor: (key) => {
      const id = ids.get(key);
      if (!id) throw new Error(`No in-browser model was prepared for ${key}.`);
      let model = models.get(id);
      if (!model) models.set(id, (model = session.models.model(id)));
      return model;
    },
    prepare: async (report, signal) => {
      report('Checking WebGPU…');
      const caps = await probeCapabilities();
      if (caps.webgpu !== 'available') {
        throw new Error(
          caps.webgpu === 'missing'
            ? 'This browser has no WebGPU, so models cannot run in it. Replay a recording, or use an endpoint.'
            : caps.gpuTimedOutMs !== undefined
              ? `WebGPU is here, but ${caps.probeError ?? 'the GPU did not answer'}. Replay a recording, or use an endpoint.`
              : 'WebGPU found no usable GPU adapter here. Replay a recording, or use an endpoint.',
        );
      }
      const f16 = hasShaderF16(caps);
      ids = new Map();
      for (const { node } of llmNodes(pipeline)) {
        const id = webllmIdFor(node.model, f16);
        if (!id) throw new Error(`WebLLM has no build of ${node.model} for GPUs without shader-f16. Choose another pipeline.`);
        ids.set(node.model, id);
      }
      const distinct = [...new Set(ids.values())];
      session.models.plan(distinct);
      for (const id of distinct) {
        if (signal.aborted) return;
        // The strip shows every percent; a screen reader hears every tenth, every few seconds at most.
        const announcer = new DownloadAnnouncer(id);
        session.onLoadProgress((_, progress) =>
          report(`Loading ${id}: ${Math.round(progress.fraction * 100)}% (${progress.phase})`, announcer.next(`loading (${progress.phase})`, progress)),
        );
        report(`Loading ${id}…`, announcer.next('loading', undefined));
        await session.models.ensureLoaded(id);
      }
      session.onLoadProgress(undefined);
    },
  };
}

/**
 * The builds a live show of `pipeline` in this browser would download before its first token: a
 * link that starts the show by itself (a slide's, opened by someone in the room) asks first.
 * None where WebGPU cannot run: the show's own start says why better than a download would.
 */
export async function webllmDownloadsFor(pipeline: Pipeline): Promise<PendingDownload[]> {
  const [{ installedCatalog }, { probeCapabilities }, { hasShaderF16 }, { weightsToDownloadHere }] = await Promise.all([
    import('../../llm/webllm-installed.ts'),
    import('../../llm/capabilities.ts'),
    import('../../core/llm/catalog.ts'),
    import('../../llm/weights-to-download.ts'),
  ]);
  const caps = await probeCapabilities();
  if (caps.webgpu !== 'available') return [];
  const ids = llmNodes(pipeline).flatMap(({ node }) => webllmIdFor(node.model, hasShaderF16(caps)) ?? []);
  return weightsToDownloadHere(installedCatalog, ids);
}
