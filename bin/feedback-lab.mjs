#!/usr/bin/env node
// The command line is TypeScript run from source: tsx compiles it on the fly, so there is no
// build step between `npm install` and `npx feedback-lab`.
import { register } from 'tsx/esm/api';

// `feedback-lab report … | head` closes the pipe early: that is the reader having read enough,
// not a failure worth a stack trace, so the command ends quietly as other Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Progress and messages go to stderr, and a reader of it can go away mid-run: `2>&1 | tee log`
// ended by the same Ctrl+C, `2>&1 | head`, a terminal closed under a disowned run. Each line is
// advice; a failed one must not end a study or a scoring run before its results are kept
// (audit R209-1: the crash lost every unit since the last checkpoint).
process.stderr.on('error', () => undefined);

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
