/**
 * What the Study page's run panel says when its in-browser model goes silent mid-reply: the
 * panel rendered (on the server, as the chart tests do) over a real study run whose model is a
 * WebLLM engine on the fake worker, its silence limits shortened to milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { WebLLMModels } from '../../../src/llm/webllm-language-model.ts';
import RunPanel from '../../../src/ui/study/RunPanel.svelte';
import { StudyRun } from '../../../src/ui/study/study-run.svelte.ts';
import { FakeHandlerWorker, hostWithLimits } from '../llm/fake-webllm-worker.ts';
import { PROBLEMS, studyConfig, truthSandbox } from '../study/study-fixtures.ts';

const MODEL = 'Llama-3.2-3B-Instruct-q4f16_1-MLC';

/** The text of the panel's alert, tags and entities stripped. */
function alertText(html: string): string | undefined {
  const inner = /<p class="failure[^"]*" role="alert">([\s\S]*?)<\/p>/.exec(html)?.[1];
  return inner
    ?.replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;|&rsquo;/g, '’')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the Study page after its in-browser model went silent', () => {
  it('says in the run panel’s alert that the model stopped answering, and that resuming runs the errored units again', async () => {
    const worker = new FakeHandlerWorker();
    // Every reply stops after its first chunk; the engine stops when told to.
    worker.hang = { atChunk: 1, onInterrupt: 'stops' };
    const host = hostWithLimits({ generationLimitsMs: { firstChunk: 30, betweenChunks: 30, stopGrace: 30 } }, worker);
    const model = new WebLLMModels(host, { buildOf: () => undefined, memoryBudgetMB: undefined }).model(MODEL);
    const run = new StudyRun(studyConfig());
    await run.run(PROBLEMS, { model: () => model, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    expect(run.phase).toBe('failed');

    const { body } = render(RunPanel, { props: { run, onpause: () => {}, onresume: () => {}, oncancel: () => {}, onresults: () => {} } });
    const alert = alertText(body);
    expect(alert).toMatch(/^The model gave no answer for \d+ units in a row \(last: The in-browser model stopped answering\. The reply stopped: no new text for \d+ seconds?, so the model was told to stop\./);
    expect(alert).toMatch(/The in-browser model went silent in the middle of a reply and was stopped .* resume the study from its card below \(Resume, or “Run … errored units again” once it has ended\): it runs the errored units again\./);
    expect(body).toContain('Stopped by an error');
    // The engine kept its model: nothing was wrong with it but the silence.
    expect(worker.terminated).toBe(false);
  });

  it('tells a screen reader once that the model has gone quiet, as the panel shows “no word from the model” (audit R177-1)', () => {
    const run = new StudyRun(studyConfig());
    const arms = run.config.arms.map((arm) => ({ armId: arm.id, label: arm.label, passed: 0, done: 0, errored: 0, total: 2 }));
    run.progress = { state: 'running', totalUnits: 4, doneUnits: 0, erroredUnits: 0, inFlight: 1, arms, elapsedMs: 40_000, etaMs: null, tokensPerSecond: null } as typeof run.progress;
    const said = () => {
      const { body } = render(RunPanel, { props: { run, onpause: () => {}, onresume: () => {}, oncancel: () => {}, onresults: () => {} } });
      return /<p[^>]*data-run-announcement[^>]*>([^<]*)<\/p>/.exec(body)?.[1];
    };
    expect(said()).toBe('Running: 0 of 4 units done.');
    // 38 s without a token: the figures say so (not read out), and so must the live region.
    run.silentSeconds = 38;
    expect(run.timeLeft).toMatch(/^no word from the model for 38 s/);
    expect(said()).toBe('Running, waiting for the model to answer: 0 of 4 units done.');
  });
});
