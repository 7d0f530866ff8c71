/**
 * Writes docs/results-format.schema.json from the zod schema the app validates result files
 * with. Run after changing src/core/results/result-file-schema.ts:
 *   npx tsx scripts/write-results-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { resultFileJsonSchemaText } from '../src/core/results/result-file-json-schema.ts';

const target = new URL('../docs/results-format.schema.json', import.meta.url);
writeFileSync(target, resultFileJsonSchemaText());
console.log(`wrote ${target.pathname}`);
