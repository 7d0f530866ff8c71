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

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
