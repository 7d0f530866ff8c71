#!/usr/bin/env node
// npm run datasets -- --from DIR [--to public/datasets]
// Copies the two benchmark files into public/datasets/ so that a build serves them from its own
// origin (the app tries there first). The files are checked against the same pinned SHA-256
// digests the app checks, so a deploy cannot ship a file the app would then refuse.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

// Keep in step with the pins in src/core/benchmarks (DESIGN §3).
const DATASET_FILES = [
  { name: 'HumanEval.jsonl.gz', sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef' },
  { name: 'sanitized-mbpp.json', sha256: 'ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9' },
];

function fail(message) {
  console.error(`datasets: ${message}`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string', default: join(repoRoot, 'public/datasets') } },
  }));
} catch (error) {
  fail(`${error.message}\nUsage: npm run datasets -- --from DIR`);
}
if (!values.from) fail('say where the files are: npm run datasets -- --from DIR');

const from = resolve(values.from);
const to = resolve(values.to);
const missing = DATASET_FILES.filter((file) => !existsSync(join(from, file.name))).map((file) => file.name);
if (missing.length > 0) {
  fail(
    `${from} lacks ${missing.join(' and ')}.\n` +
      'Get them from openai/human-eval (data/HumanEval.jsonl.gz) and google-research (mbpp/sanitized-mbpp.json).',
  );
}

for (const file of DATASET_FILES) {
  const sha256 = createHash('sha256').update(readFileSync(join(from, file.name))).digest('hex');
  if (sha256 !== file.sha256) {
    fail(`${join(from, file.name)} is not the pinned file (SHA-256 ${sha256}, expected ${file.sha256}).`);
  }
}

mkdirSync(to, { recursive: true });
for (const file of DATASET_FILES) {
  copyFileSync(join(from, file.name), join(to, file.name));
  console.log(`datasets: ${file.name} → ${join(to, file.name)} (SHA-256 checked)`);
}
