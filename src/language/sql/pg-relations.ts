// The relations a PostgreSQL text names (every RangeVar of its parse tree, CTE names included), as
// [schema, name] or [name]. The session asks the server what these resolve to and which code their views,
// row-level security policies and virtual columns call (db/pg-pin.ts): that code is outside the text the
// classifier read. A CTE name that is no relation resolves to nothing; one that is checks a relation for nothing.
import { parsePg } from './pg-parser.js';

/** Undefined when the parser rejects the text (the classifier has refused it already). */
export function pgRelations(text: string): string[][] | undefined {
  const parsed = parsePg([text])[0]!;
  if ('error' in parsed) return undefined;
  const out = new Map<string, string[]>();
  collect(parsed.tree, out);
  return [...out.values()];
}

function collect(value: unknown, into: Map<string, string[]>): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // A RangeVar is written with its key as a node, and without it where a field holds one (IntoClause.rel).
    if (key === 'RangeVar' || key === 'relation' || key === 'rel') addRangeVar(child, into);
    collect(child, into);
  }
}

function addRangeVar(node: unknown, into: Map<string, string[]>): void {
  const r = node as { schemaname?: unknown; relname?: unknown } | null;
  if (!r || typeof r.relname !== 'string') return;
  const name = typeof r.schemaname === 'string' && r.schemaname !== '' ? [r.schemaname, r.relname] : [r.relname];
  into.set(JSON.stringify(name), name);
}
