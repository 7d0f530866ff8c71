/** One streamed reply from the chosen model or endpoint, to see that it works and how fast. */
import { isAbortError } from '../../core/llm/abort.ts';
import type { ChatUsage, LanguageModel } from '../../core/ports.ts';

/** Try it's token cap, the study's per node. */
export const TRY_IT_MAX_TOKENS = 512;

export class TryIt {
  system = $state('You are a careful Python programmer. Answer with one Python code block and nothing else.');
  prompt = $state('Write a function `add(a: int, b: int) -> int` that returns the sum of a and b.');
  output = $state('');
  running = $state(false);
  usage = $state.raw<ChatUsage | undefined>(undefined);
  finishReason = $state('');
  error = $state('');
  #controller: AbortController | undefined;

  /**
   * Streams one reply. `prepare` runs first (e.g. loading the model): it gets the signal Stop
   * aborts, and answers undefined when the model is ready or else why not, which is shown here.
   */
  async run(model: LanguageModel, prepare?: (signal: AbortSignal) => Promise<string | undefined>): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.output = '';
    this.usage = undefined;
    this.finishReason = '';
    this.error = '';
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const notReady = await prepare?.(controller.signal);
      if (notReady !== undefined) {
        this.error = controller.signal.aborted ? 'Stopped.' : notReady;
        return;
      }
      const reply = await model.chat(
        [
          { role: 'system', content: this.system },
          { role: 'user', content: this.prompt },
        ],
        { temperature: 0.3, max_tokens: TRY_IT_MAX_TOKENS },
        { signal: controller.signal, onToken: (delta) => (this.output += delta) },
      );
      this.output = reply.text;
      this.usage = reply.usage;
      this.finishReason = reply.finishReason;
    } catch (error) {
      this.error = isAbortError(error) ? 'Stopped.' : error instanceof Error ? error.message : String(error);
    } finally {
      this.running = false;
      this.#controller = undefined;
    }
  }

  stop(): void {
    this.#controller?.abort();
  }
}
