/**
 * The champion's diagram is an SVG image; its text alternative (the <desc> its role="img" is
 * named by) is all a screen reader gets of it. The boxes show each node's model, temperature and
 * prompt; the text once gave the models only (`gen(…) → exec×1 → refine(…)`), so a screen-reader
 * user could not learn the champion's prompts or temperatures anywhere on the Search page.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import PipelineDiagram from '../../../src/ui/search/PipelineDiagram.svelte';
import type { RefinePipeline } from '../../../src/core/pipeline/genome.ts';

const pipeline: RefinePipeline = {
  kind: 'refine',
  id: 'g3-5',
  name: 'g3-5',
  earlyStopping: true,
  generator: { model: 'gemma3:1b', prompt: { id: 'generator.plain' }, temperature: 0.27, maxTokens: 512 },
  stages: [
    {
      innovation: 1,
      maxIterations: 2,
      analyzer: { model: 'llama3.2:3b', prompt: { id: 'analyzer.diagnose' }, temperature: 0.4, maxTokens: 512 },
      refiner: { model: 'qwen2.5:1.5b', prompt: { id: 'refiner.minimal-change' }, temperature: 0.05, maxTokens: 512 },
    },
  ],
};

function description(html: string): string {
  const found = /<desc[^>]*>([^<]*)<\/desc>/.exec(html);
  return (found?.[1] ?? '').replace(/\s+/g, ' ').trim();
}

describe('the pipeline diagram', () => {
  it('says in its text alternative what every box shows: model, temperature and prompt of each node', () => {
    const text = description(render(PipelineDiagram, { props: { pipeline, title: 'Champion g3-5' } }).body);
    expect(text).toContain('gen(gemma3:1b) → exec×2 → analyze(llama3.2:3b) → refine(qwen2.5:1.5b)');
    expect(text).toContain('generate with gemma3:1b at temperature 0.27, prompt generator.plain');
    expect(text).toContain('analyze with llama3.2:3b at temperature 0.40, prompt analyzer.diagnose');
    expect(text).toContain('refine with qwen2.5:1.5b at temperature 0.05, prompt refiner.minimal-change');
    expect(text).toContain('up to 2 rounds');
  });
});
