/**
 * The lines of a file the user picked, read as a stream: a large samples file never sits in
 * memory as one string, and the page gets a turn between chunks.
 */
export async function* streamLines(stream: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const lines = (rest + value).split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
  } finally {
    reader.releaseLock();
  }
  // A last line without a newline still counts.
  if (rest !== '') yield rest;
}
