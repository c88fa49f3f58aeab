import { publishedSchema } from '../../language/json-schema.js';
import { publishedCasesSchema } from '../../testing/cases-schema.js';
import { sayJson } from '../say.js';

/** The runbook language's JSON Schema, or with --cases the one of `runbook test` cases files. */
export async function schemaCommand(opts: { cases?: boolean } = {}): Promise<number> {
  sayJson(opts.cases ? publishedCasesSchema() : publishedSchema());
  return 0;
}
