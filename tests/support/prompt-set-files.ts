/** Prompt set files as a user picks them in the browser tests (Playwright's file payloads). */

/** One generator text in place of the built-in `generator.plain`, in a file named terse.json. */
export const TERSE_GENERATOR_FILE = {
  name: 'terse.json',
  mimeType: 'application/json',
  buffer: Buffer.from(
    JSON.stringify({
      format: 'feedback-lab/prompt-set',
      version: 1,
      prompts: [{ id: 'generator.plain', role: 'generator', text: 'Reply with one Python function in a fenced block, nothing else.' }],
    }),
  ),
};
