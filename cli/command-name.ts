/**
 * How the commands the command line prints to go on (`… run --resume FILE`) start. `npx
 * feedback-lab` finds this package only from its own folder or one below it, as the README runs
 * it: anywhere else npx asks the npm registry for a package of that name, which is not this
 * project (and, without a terminal, would install whatever holds the name without asking). So
 * from elsewhere the hint names this package's own script.
 */
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellWord } from './shell-word.ts';

/** The package's folder: cli/ is one level below it. */
const PACKAGE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** `npx feedback-lab` inside the package's folder, else `node /path/to/bin/feedback-lab.mjs`. */
export function commandName(cwd: string): string {
  const path = relative(PACKAGE_ROOT, cwd);
  const inside = path === '' || (!path.startsWith('..') && !isAbsolute(path));
  return inside ? 'npx feedback-lab' : `node ${shellWord(join(PACKAGE_ROOT, 'bin', 'feedback-lab.mjs'))}`;
}
