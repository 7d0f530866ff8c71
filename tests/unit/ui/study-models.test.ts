import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import { studyModels, type StudyModelDeps } from '../../../src/ui/study/study-models.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';

const deps: StudyModelDeps = {
  apiKeyFor: () => undefined,
  webllm: () => Promise.reject(new Error('not used')),
};

function boundTo(baseUrl: string, id = 'fake-model'): Pick<StudyConfig, 'models'> {
  return { models: { 'llama3.2:3b': { engine: 'openai', id, baseUrl } } };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("binding a study's models to an endpoint", () => {
  it('refuses to start when nothing answers at the endpoint, saying so, instead of erroring unit after unit', async () => {
    const port = await closedPort();
    await expect(studyModels(boundTo(`http://127.0.0.1:${port}/v1`), deps)).rejects.toThrow(
      `Could not reach the language-model server at http://127.0.0.1:${port}`,
    );
  });

  it('starts when the endpoint answers, and the bound model talks to it', async () => {
    const server = await startFakeOpenAIServer({ reply: 'hello' });
    try {
      const model = await studyModels(boundTo(server.url), deps);
      const reply = await model('llama3.2:3b').chat([{ role: 'user', content: 'hi' }], { temperature: 0, max_tokens: 8 });
      expect(reply.text).toBe('hello');
    } finally {
      await server.close();
    }
  });

  it('starts when the server answers with an error status: the first request explains it', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('no such route');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(studyModels(boundTo(`http://127.0.0.1:${port}/v1`), deps)).resolves.toBeTypeOf('function');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
