/**
 * The module worker that owns WebLLM: its `MLCEngine` behind WebLLM's own message handler, so
 * the 6 MB runtime and the GPU work stay off the page's thread and out of the page's bundle.
 * The page side is `webllm-engine.ts`.
 */
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (event: MessageEvent) => handler.onmessage(event);
