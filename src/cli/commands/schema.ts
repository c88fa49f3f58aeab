import { publishedSchema } from '../../language/json-schema.js';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(publishedSchema(), null, 2)}\n`);
  return 0;
}
