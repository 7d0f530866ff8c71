import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../src/llm/webllm-progress.ts';
import { DownloadAnnouncer } from '../../../src/ui/models/download-announcement.ts';

const MB = 2 ** 20;

/** Sentences a screen reader hears over a whole load: each change of the live text, once. */
function heard(reports: { phase: string; progress: LoadProgress | undefined }[]): string[] {
  const announcer = new DownloadAnnouncer('Llama-3.2-1B');
  const said: string[] = [];
  for (const { phase, progress } of reports) {
    const text = announcer.next(phase, progress);
    if (text !== said.at(-1)) said.push(text);
  }
  return said;
}

describe('what the model download panel announces', () => {
  it('says the phase and every tenth of it, never the bytes, rate or time left of each report', () => {
    // WebLLM reports a 700 MB download 600 times, then the shaders, then ready.
    const downloading = Array.from({ length: 601 }, (_, i) => ({
      phase: 'Downloading weights',
      progress: { phase: 'downloading', fraction: i / 600, bytesLoaded: (700 * MB * i) / 600, bytesPerSecond: 9 * MB, etaSeconds: 600 - i, text: '' } satisfies LoadProgress,
    }));
    const said = heard([
      { phase: 'Fetching the model configuration and library', progress: undefined },
      ...downloading,
      { phase: 'Preparing GPU shaders', progress: { phase: 'compiling', fraction: 0.5, text: '' } },
      { phase: 'Ready', progress: { phase: 'ready', fraction: 1, text: '' } },
    ]);
    expect(said).toEqual([
      'Llama-3.2-1B: Fetching the model configuration and library…',
      ...Array.from({ length: 11 }, (_, tenth) => `Llama-3.2-1B: Downloading weights, ${tenth * 10} %.`),
      'Llama-3.2-1B: Preparing GPU shaders, 50 %.',
      'Llama-3.2-1B: Ready, 100 %.',
    ]);
  });
});
