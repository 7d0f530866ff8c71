import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../src/llm/webllm-progress.ts';
import { DownloadAnnouncer } from '../../../src/ui/models/download-announcement.ts';

const MB = 2 ** 20;

/** Sentences a screen reader hears over a whole load, one report every `everyMs`: each change of the live text, once. */
function heard(reports: { phase: string; progress: LoadProgress | undefined }[], everyMs: number): string[] {
  let clock = 0;
  const announcer = new DownloadAnnouncer('Llama-3.2-1B', { now: () => clock });
  const said: string[] = [];
  for (const { phase, progress } of reports) {
    clock += everyMs;
    const text = announcer.next(phase, progress);
    if (text !== said.at(-1)) said.push(text);
  }
  return said;
}

describe('what the model download panel announces', () => {
  it('says the phase and every tenth of it, never the bytes, rate or time left of each report', () => {
    // WebLLM reports a 700 MB download 600 times over 5 minutes, then the shaders, then ready.
    const downloading = Array.from({ length: 601 }, (_, i) => ({
      phase: 'Downloading weights',
      progress: { phase: 'downloading', fraction: i / 600, bytesLoaded: (700 * MB * i) / 600, bytesPerSecond: 9 * MB, etaSeconds: 600 - i, text: '' } satisfies LoadProgress,
    }));
    const said = heard([
      { phase: 'Fetching the model configuration and library', progress: undefined },
      ...downloading,
      { phase: 'Preparing GPU shaders', progress: { phase: 'compiling', fraction: 0.5, text: '' } },
      { phase: 'Ready', progress: { phase: 'ready', fraction: 1, text: '' } },
    ], 500);
    expect(said).toEqual([
      'Llama-3.2-1B: Fetching the model configuration and library…',
      ...Array.from({ length: 11 }, (_, tenth) => `Llama-3.2-1B: Downloading weights, ${tenth * 10} %.`),
      'Llama-3.2-1B: Preparing GPU shaders, 50 %.',
      'Llama-3.2-1B: Ready, 100 %.',
    ]);
  });

  it('says a phase that races from 0 to 100 % (weights read from the cache) at its start and its end, not each tenth', () => {
    const reading = Array.from({ length: 51 }, (_, i) => ({
      phase: 'Reading weights from this browser’s cache',
      progress: { phase: 'reading-cache', fraction: i / 50, text: '' } satisfies LoadProgress,
    }));
    const said = heard([...reading, { phase: 'Ready', progress: { phase: 'ready', fraction: 1, text: '' } }], 20);
    expect(said).toEqual([
      'Llama-3.2-1B: Reading weights from this browser’s cache, 0 %.',
      'Llama-3.2-1B: Reading weights from this browser’s cache, 100 %.',
      'Llama-3.2-1B: Ready, 100 %.',
    ]);
  });
});
