#!/usr/bin/env node
// npm run datasets -- --from DIR [--to public/datasets] [--released DIR] [--released-to public/released]
// Copies the two benchmark files into public/datasets/ so that a build serves them from its own
// origin (the app tries there first), and, with --released, the study's released results into
// public/released/ (what the Reproduce page's "Load the released files" tries first). Every file
// is checked against the same pinned SHA-256 digests the app checks, so a deploy cannot ship a
// file the app would then refuse.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
// `npm run` starts scripts in the package's folder; a relative DIR means the folder the person
// typed it in, which npm passes on as INIT_CWD.
const userDir = process.env.INIT_CWD ?? process.cwd();

// Keep in step with the pins in src/core/benchmarks/datasets.ts (DESIGN §3).
const DATASET_FILES = [
  { name: 'HumanEval.jsonl.gz', sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef' },
  { name: 'sanitized-mbpp.json', sha256: 'ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9' },
];

// Keep in step with src/core/reproduce/released-sources.ts: paths inside the study repository's results/.
const RELEASED_FILES = [
  { name: 'main_results.json', sha256: 'f82dad97c84b86d80854f262af5bc20505f356c6dfc984000e258ff5fcce95a3' },
  { name: 'iteration_analysis.json', sha256: '5ff09d8cb253cd165fd311940439601366bc4357bbc95fe144d209a05310bf21' },
  { name: 'error_taxonomy.json', sha256: '72516a80563252a24985e74523031fa82df3583eccd4d6b9fa7191735c3520e7' },
  { name: 'neat_runs/temp0_champion.json', sha256: '3e9c082b90b66cc7ca8220b440c3fc152af8545569d59d81c7ac0c411256a2b4' },
  { name: 'neat_runs/v2_champion.json', sha256: 'f3c250080cd07933912d979dd1ce5a60b7c766243e8eddc6f3645ae7f741c463' },
  { name: 'neat_runs/v3_champion.json', sha256: '0c21241d7b35b1c44778685cde47e18106e3953a2646fe9d2d59a0d5158c7305' },
];

const USAGE = 'Usage: npm run datasets -- --from DIR [--released DIR]';

function fail(message) {
  console.error(`datasets: ${message}`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string', default: join(repoRoot, 'public/datasets') },
      released: { type: 'string' },
      'released-to': { type: 'string', default: join(repoRoot, 'public/released') },
    },
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (!values.from && !values.released) {
  fail(`say where the files are: --from DIR for the benchmarks, --released DIR for the study's results/ folder.\n${USAGE}`);
}

/** Checks every file of `files` in `from` before copying any, so a failure leaves nothing half-copied. */
function checkAll(from, files, where) {
  const missing = files.filter((file) => !existsSync(join(from, file.name))).map((file) => file.name);
  if (missing.length > 0) fail(`${from} lacks ${missing.join(' and ')}.\n${where}`);
  for (const file of files) {
    const sha256 = createHash('sha256').update(readFileSync(join(from, file.name))).digest('hex');
    if (sha256 !== file.sha256) {
      fail(`${join(from, file.name)} is not the pinned file (SHA-256 ${sha256}, expected ${file.sha256}).`);
    }
  }
}

function copyAll(from, to, files) {
  for (const file of files) {
    mkdirSync(dirname(join(to, file.name)), { recursive: true });
    copyFileSync(join(from, file.name), join(to, file.name));
    console.log(`datasets: ${file.name} → ${join(to, file.name)} (SHA-256 checked)`);
  }
}

const jobs = [];
if (values.from) {
  jobs.push({
    from: resolve(userDir, values.from),
    to: resolve(userDir, values.to),
    files: DATASET_FILES,
    where: 'Get them from openai/human-eval (data/HumanEval.jsonl.gz) and google-research (mbpp/sanitized-mbpp.json).',
  });
}
if (values.released) {
  jobs.push({
    from: resolve(userDir, values.released),
    to: resolve(userDir, values['released-to']),
    files: RELEASED_FILES,
    where: 'Give the results/ folder of github.com/L3G/feedback-over-form (commit bb7da36).',
  });
}
for (const job of jobs) checkAll(job.from, job.files, job.where);
for (const job of jobs) copyAll(job.from, job.to, job.files);
