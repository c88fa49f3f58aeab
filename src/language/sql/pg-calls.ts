// The functions a PostgreSQL text calls by a name that resolves to pg_catalog's under the read's pinned
// search_path (db/pg-pin-sql.ts puts pg_catalog first): every FuncCall of its parse tree, unqualified or
// qualified with pg_catalog (also db.pg_catalog.f), as the bare name. The session asks the server which of them are built-ins
// (db/pg-pin.ts): a built-in that is not reviewed as read-only is not the author's own code to vouch for, and
// some run SQL given as text (query_to_xml, ts_stat) or read a relation named by a value (table_to_xml).
import { parsePg } from './pg-parser.js';

/** Undefined when the parser rejects the text (the classifier has refused it already). */
export function pgCalledNames(text: string): string[] | undefined {
  const parsed = parsePg([text])[0]!;
  if ('error' in parsed) return undefined;
  const out = new Set<string>();
  collect(parsed.tree, out);
  return [...out];
}

function collect(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'FuncCall') addCall(child, into);
    collect(child, into);
  }
}

function addCall(node: unknown, into: Set<string>): void {
  const parts = ((node as { funcname?: unknown } | null)?.funcname ?? []) as { String?: { sval?: unknown } }[];
  const name = parts.map((p) => p.String?.sval);
  if (!name.every((n): n is string => typeof n === 'string')) return;
  // Unqualified, or pg_catalog.f, or db.pg_catalog.f (a catalog-qualified name in the session's own database).
  if (name.length === 1 || name.at(-2) === 'pg_catalog') into.add(name.at(-1)!);
}
