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

  it('ignores fields it does not use, such as llama.cpp timings', () => {
    const chunk = '{"choices":[{"delta":{"content":"x"}}],"timings":{"predicted_ms":3}}';
    expect(parseChunk(chunk, endpoint)).toEqual({ delta: 'x' });
  });

  it('reads reasoning sent apart from the text, under the names vLLM and Ollama give it, and its token count', () => {
    expect(parseChunk('{"choices":[{"delta":{"reasoning_content":"hmm","content":null}}]}', endpoint)).toEqual({ reasoning: 'hmm' });
    expect(parseChunk('{"choices":[{"delta":{"content":"","reasoning":"so"}}]}', endpoint)).toEqual({ reasoning: 'so' });
    const usage = '{"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":149,"completion_tokens_details":{"reasoning_tokens":100}}}';
    expect(parseChunk(usage, endpoint)).toEqual({ usage: { promptTokens: 100, completionTokens: 149, reasoningTokens: 100 } });
    const whole = '{"choices":[{"message":{"content":"x","reasoning_content":"first, think"},"finish_reason":"stop"}]}';
    expect(parseCompletion(whole, endpoint)).toEqual({ text: 'x', finishReason: 'stop', reasoning: 'first, think' });
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
    expect(parseCompletion('{"choices":[{"message":{"content":null},"finish_reason":"tool_calls"}]}', endpoint)).toEqual({ text: '', finishReason: 'tool_calls' });
  });

  it('leaves a finish reason the server did not send unset, rather than making one up', () => {
    expect(parseCompletion('{"choices":[{"message":{"content":"hi"}}]}', endpoint)).toEqual({ text: 'hi' });
  });

  it('refuses a reply with no text and no finish reason: it is not an answer', () => {
    for (const raw of ['{"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":0}}', '{"choices":[{"message":{"content":null}}]}', '{"choices":[{"message":{"content":""},"finish_reason":null}]}']) {
      expect(() => parseCompletion(raw, endpoint)).toThrow(/answered with no text and no reason for stopping/);
    }
  });
});
