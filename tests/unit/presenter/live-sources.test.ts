import { describe, expect, it, vi } from 'vitest';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import type { LoadProgress } from '../../../src/llm/webllm-progress.ts';

// A model load in this tab without a GPU: a session that reports every percent of a download at once.
type Listener = ((ids: readonly string[], progress: LoadProgress) => void) | undefined;
let listener: Listener;
vi.mock('../../../src/llm/webllm-installed.ts', () => ({ installedCatalog: { records: [], entries: [] } }));
vi.mock('../../../src/llm/capabilities.ts', () => ({ probeCapabilities: async () => ({ webgpu: 'available', features: ['shader-f16'] }) }));
vi.mock('../../../src/llm/webllm-session.ts', () => ({
  sharedWebLLMSession: () => ({
    onLoadProgress: (next: Listener) => (listener = next),
    models: {
      plan: () => undefined,
      model: () => undefined,
      ensureLoaded: async (id: string) => {
        for (let percent = 0; percent <= 100; percent++) listener?.([id], { phase: 'downloading', fraction: percent / 100, text: '' });
      },
    },
  }),
}));

const { webllmPorts } = await import('../../../src/ui/presenter/live-sources.ts');

describe("a live show's in-browser model load", () => {
  it('shows every percent but gives a screen reader a sentence only now and then', async () => {
    const ports = await webllmPorts(llamaSelfRefine, async () => {
      throw new Error('no sandbox here');
    });
    const shown: string[] = [];
    const spoken: string[] = [];
    await ports.prepare!((text, said = text) => {
      shown.push(text);
      spoken.push(said);
    }, new AbortController().signal);
    expect(new Set(shown.filter((text) => text.includes('%'))).size).toBe(101);
    // Said at once: the WebGPU check, the load, its download starting and ending; the percentages in between wait.
    const sentences = [...new Set(spoken)];
    expect(sentences.length).toBeLessThanOrEqual(4);
    expect(sentences.some((text) => /\d+ ?%/.test(text))).toBe(true);
  });
});
