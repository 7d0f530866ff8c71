import { describe, expect, it } from 'vitest';
import { parseChunk, parseCompletion } from '../../../src/llm/completion-json.ts';

const endpoint = 'http://localhost:11434/v1/chat/completions';

describe('chat-completions JSON', () => {
  it('reads the text delta, finish reason and usage of streamed chunks', () => {
    expect(parseChunk('{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}', endpoint)).toEqual({});
    expect(parseChunk('{"choices":[{"index":0,"delta":{"content":"def"},"finish_reason":null}]}', endpoint)).toEqual({ delta: 'def' });
    expect(parseChunk('{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}', endpoint)).toEqual({ finishReason: 'stop' });
    expect(parseChunk('{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}', endpoint)).toEqual({
      usage: { promptTokens: 12, completionTokens: 34 },
    });
    expect(parseChunk('{"usage":{"prompt_tokens":1,"completion_tokens":2}}', endpoint)).toEqual({
      usage: { promptTokens: 1, completionTokens: 2 },
    });
  });

  it('ignores fields it does not use, such as reasoning text and llama.cpp timings', () => {
    const chunk = '{"choices":[{"delta":{"reasoning_content":"hmm","content":"x"}}],"timings":{"predicted_ms":3}}';
    expect(parseChunk(chunk, endpoint)).toEqual({ delta: 'x' });
  });

  it('quotes what the server sent when it is not chat-completions JSON', () => {
    for (const raw of ['<html>', '"text"', '[1,2]', 'null', '{"message":{"content":"ollama native"}}']) {
      expect(() => parseChunk(raw, endpoint)).toThrow(/isn't OpenAI-compatible JSON/);
    }
    expect(() => parseChunk('{"choices":"nope"}', endpoint)).toThrow(/"\{"choices":"nope"\}"/);
  });

  it('passes on an error object sent in place of a chunk', () => {
    expect(() => parseChunk('{"error":{"message":"KV cache is full"}}', endpoint)).toThrow(
      /reported an error while generating: "KV cache is full"/,
    );
    // A context overflow is named as such, with what to change.
    expect(() => parseChunk('{"error":{"message":"context length exceeded"}}', endpoint)).toThrow(
      /too long for the model's context window.*"context length exceeded".*--ctx-size/,
    );
    expect(() => parseChunk('{"error":"model crashed"}', endpoint)).toThrow(/"model crashed"/);
  });

  it('reads a whole reply, treating null content as empty text', () => {
    const whole = '{"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}';
    expect(parseCompletion(whole, endpoint)).toEqual({ text: 'hi', finishReason: 'length', usage: { promptTokens: 3, completionTokens: 1 } });
    expect(parseCompletion('{"choices":[{"message":{"content":null}}]}', endpoint)).toEqual({ text: '', finishReason: 'stop' });
    expect(() => parseCompletion('{"choices":[]}', endpoint)).toThrow(/isn't OpenAI-compatible JSON/);
  });
});
