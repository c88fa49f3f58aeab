// Every line of a real transcript against the published JSON Schema (docs/transcript.schema.json): for tests
// whose runs write lines the schema test's fixture cannot (SQL sessions, called runbooks, addresses).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';

const SCHEMA = join(import.meta.dirname, '..', '..', 'docs', 'transcript.schema.json');
let validate: ReturnType<Ajv['compile']> | undefined;

/** The problems of the transcript's lines (a torn last line is skipped), and the types seen. */
export function schemaProblems(file: string): { problems: string[]; types: Set<string> } {
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  const problems: string[] = [];
  const types = new Set<string>();
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  lines.forEach((text, i) => {
    let line: { type: string };
    try { line = JSON.parse(text) as { type: string }; } catch { if (i === lines.length - 1) return; problems.push(`line ${i + 1}: not JSON`); return; }
    types.add(line.type);
    if (!validate!(line)) problems.push(`line ${i + 1} (${line.type}): ${JSON.stringify(validate!.errors?.slice(0, 3))}`);
  });
  return { problems, types };
}
