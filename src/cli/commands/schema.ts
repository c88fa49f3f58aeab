import { publishedSchema } from '../../language/json-schema.js';
import { publishedCasesSchema } from '../../testing/cases-schema.js';

/** The runbook language's JSON Schema, or with --cases the one of `runbook test` cases files. */
export async function schemaCommand(opts: { cases?: boolean } = {}): Promise<number> {
  process.stdout.write(`${JSON.stringify(opts.cases ? publishedCasesSchema() : publishedSchema(), null, 2)}\n`);
  return 0;
}
