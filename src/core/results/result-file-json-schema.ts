import * as z from 'zod';
import { resultFileSchema } from './result-file-schema.ts';

/**
 * The JSON Schema (draft 2020-12) of the result file, generated from the schema import validates
 * with. docs/results-format.schema.json is this text; a unit test fails when it is stale.
 * Regenerate it with `npx tsx scripts/write-results-schema.ts`.
 */
export function resultFileJsonSchemaText(): string {
  const schema = z.toJSONSchema(resultFileSchema, { target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
