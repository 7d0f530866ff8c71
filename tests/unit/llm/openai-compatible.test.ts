import { describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel, listModels } from '../../../src/llm/openai-compatible.ts';

// Behaviour against a real HTTP server is in tests/integration/llm/openai-compatible.test.ts;
// these are the checks that need no server.
describe('OpenAI-compatible model set-up', () => {
  it('names the model and the API root it talks to', () => {
    const model = createOpenAICompatibleModel({ baseUrl: 'http://localhost:11434/', model: 'llama3.2:3b' });
    expect(model.id).toBe('openai-compatible:llama3.2:3b');
    expect(model.apiRoot).toBe('http://localhost:11434/v1');
    expect(model.streaming).toBe(true);
  });

  it('does not expose the API key', () => {
    const model = createOpenAICompatibleModel({ baseUrl: 'http://localhost:8000', model: 'm', apiKey: 'sk-secret' });
    expect(JSON.stringify(model)).not.toContain('sk-secret');
    expect(Object.values(model)).not.toContain('sk-secret');
  });

  it('refuses an API key that cannot be sent in a header, saying how to fix it', async () => {
    expect(() => createOpenAICompatibleModel({ baseUrl: 'http://localhost:8000', model: 'm', apiKey: 'sk-“quoted”' })).toThrow(
      /Paste it again/,
    );
    await expect(listModels('http://localhost:8000', 'sk with space')).rejects.toThrow(/cannot be sent in an HTTP header/);
  });

  it('says the server stopped answering once it has answered, for every model of the run on that server', async () => {
    let up = true;
    const serverFetch: typeof fetch = async () => {
      if (!up) throw new TypeError('fetch failed');
      return new Response('{"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}', { headers: { 'Content-Type': 'application/json' } });
    };
    const ask = (model: ReturnType<typeof createOpenAICompatibleModel>) => model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 });
    const options = { baseUrl: 'http://gpu-box:8000/v1', fetch: serverFetch, retries: 0 };

    // Nothing ever answered: the message is about reaching it at all.
    up = false;
    await expect(ask(createOpenAICompatibleModel({ ...options, model: 'never' }))).rejects.toThrow(/^Could not reach the language-model server/);

    up = true;
    const answered = { value: false };
    const generator = createOpenAICompatibleModel({ ...options, model: 'generator', answered });
    const refiner = createOpenAICompatibleModel({ ...options, model: 'refiner', answered });
    await ask(generator);
    up = false;
    await expect(ask(generator)).rejects.toThrow(/^The language-model server at http:\/\/gpu-box:8000 stopped answering .*It answered earlier requests/);
    // The refiner never asked before, but the same server answered this run.
    await expect(ask(refiner)).rejects.toThrow(/stopped answering/);
  });

  it('sends the request through the fetch it was given', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response('{"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}', {
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://gpu-box:8000/v1', model: 'm', fetch: fakeFetch });
    const reply = await model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 });
    expect(seen).toEqual(['http://gpu-box:8000/v1/chat/completions']);
    // A server that ignores `stream: true` and answers with one JSON document still works.
    expect(reply.text).toBe('hi');
    expect(reply.usage.tokensEstimated).toBe(true);
  });
});
