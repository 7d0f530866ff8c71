#!/usr/bin/env node
// The command line is TypeScript run from source: tsx compiles it on the fly, so there is no
// build step between `npm install` and `npx feedback-lab`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
