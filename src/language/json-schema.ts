// The JSON Schema published for editors (yaml-language-server) and CI: the language schema itself,
// stripped of TypeBox's internal markers and rewritten for clean hover text (hover.ts).
import { forEditors } from './hover.js';
import { Runbook } from './schema.js';
import { markExpressions } from './expression-schema.js';

export const SCHEMA_ID = 'https://runbook.dev/schema/runbook.schema.json';

export function publishedSchema(): Record<string, unknown> {
  const clean = markExpressions(JSON.parse(JSON.stringify(Runbook))) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: SCHEMA_ID, ...forEditors(clean) };
}
