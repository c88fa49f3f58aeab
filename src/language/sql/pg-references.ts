// What a PostgreSQL text refers to outside itself, from one walk of its parse tree:
// - the relations it names (every RangeVar, CTE names included), as [schema, name] or [name]. The session asks the
//   server what these resolve to and which code their views, row-level security policies and virtual columns call
//   (db/pg-pin.ts): that code is outside the text the classifier read. A CTE name that is no relation resolves to
//   nothing; one that is checks a relation for nothing.
// - the functions it calls by a name that resolves to pg_catalog's under the read's pinned search_path (pg_catalog
//   first): every FuncCall, unqualified or qualified with pg_catalog (also db.pg_catalog.f), as the bare name. The
//   session asks which are built-ins: one not reviewed as read-only is not the author's own code to vouch for, and
//   some run SQL given as text (query_to_xml, ts_stat) or read a relation named by a value (table_to_xml).
// - every function it calls and every type it names, as written ([schema, name] or [name]): a vouched read's text
//   may run the author's code, whose body the engine does not read (db/pg-secret-reach.ts).
// - the names of its WITH queries: a relation name that resolves to nothing is one of them, or the read is refused.
// - its conversions to JSON (pg-json-conversions.ts): the server looks up a cast of a value's type as they run.
// - the names written in attribute position: every field after the first of a ColumnRef (`t.f`, `s.t.f`) and
//   every field an indirection selects (`(t).f`). The server reads `t.f` as a call of a function f(t) when t has
//   no column f (attribute notation), so the session asks which functions of those names could take a row
//   (issue #45): the classifier saw a column, the server may run code.
import { parsePg } from './pg-parser.js';
import { resolvesToCatalog } from './pg-builtins.js';
import { jsonConversion } from './pg-json-conversions.js';

export interface PgReferences { relations: string[][]; calls: string[]; named: string[][]; types: string[][]; attributes: string[]; ctes: string[]; toJson: string[] }

/** Undefined when the parser rejects the text (the classifier has refused it already). */
export function pgReferences(text: string): PgReferences | undefined {
  const parsed = parsePg([text])[0]!;
  if ('error' in parsed) return undefined;
  const relations = new Map<string, string[]>();
  const calls = new Set<string>();
  const attributes = new Set<string>();
  const ctes = new Set<string>();
  const toJson = new Set<string>();
  const named = new Map<string, string[]>();
  const types = new Map<string, string[]>();
  collect(parsed.tree, { relations, calls, named, types, attributes, ctes, toJson });
  return { relations: [...relations.values()], calls: [...calls], named: [...named.values()], types: [...types.values()], attributes: [...attributes], ctes: [...ctes], toJson: [...toJson] };
}

/** The relations alone. */
export const pgRelations = (text: string): string[][] | undefined => pgReferences(text)?.relations;

interface Found { relations: Map<string, string[]>; calls: Set<string>; named: Map<string, string[]>; types: Map<string, string[]>; attributes: Set<string>; ctes: Set<string>; toJson: Set<string> }

function collect(value: unknown, found: Found): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // A RangeVar is written with its key as a node, and without it where a field holds one (IntoClause.rel).
    if (key === 'RangeVar' || key === 'relation' || key === 'rel') addRangeVar(child, found.relations);
    if (key === 'FuncCall') addCall(child, found.calls);
    if (key === 'FuncCall') addName((child as { funcname?: unknown } | null)?.funcname, found.named);
    if (key === 'TypeName' || key === 'typeName') addName((child as { names?: unknown } | null)?.names, found.types);
    if (key === 'ColumnRef') addFields((child as { fields?: unknown } | null)?.fields, 1, found.attributes);
    if (key === 'A_Indirection') addFields((child as { indirection?: unknown } | null)?.indirection, 0, found.attributes);
    if (key === 'ctename' && typeof child === 'string') found.ctes.add(child);
    const json = jsonConversion(key, child);
    if (json) found.toJson.add(json);
    collect(child, found);
  }
}

/** The String fields from the index on (`*` and subscripts are not names). */
function addFields(fields: unknown, from: number, into: Set<string>): void {
  if (!Array.isArray(fields)) return;
  for (const f of fields.slice(from) as { String?: { sval?: unknown } }[]) {
    if (typeof f?.String?.sval === 'string') into.add(f.String.sval);
  }
}

/** A qualified name's String parts, as written (a catalog's name first is left out). */
function addName(parts: unknown, into: Map<string, string[]>): void {
  if (!Array.isArray(parts)) return;
  const name = (parts as { String?: { sval?: unknown } }[]).map((p) => p?.String?.sval);
  if (!name.length || !name.every((n): n is string => typeof n === 'string')) return;
  const last = name.slice(-2);
  into.set(JSON.stringify(last), last);
}

function addRangeVar(node: unknown, into: Map<string, string[]>): void {
  const r = node as { schemaname?: unknown; relname?: unknown } | null;
  if (!r || typeof r.relname !== 'string') return;
  const name = typeof r.schemaname === 'string' && r.schemaname !== '' ? [r.schemaname, r.relname] : [r.relname];
  into.set(JSON.stringify(name), name);
}

function addCall(node: unknown, into: Set<string>): void {
  const name = catalogCallName(node);
  if (name !== undefined) into.add(name);
}

/** A FuncCall's bare name when it resolves to pg_catalog's under the read's pinned path; undefined otherwise. */
export function catalogCallName(node: unknown): string | undefined {
  const parts = ((node as { funcname?: unknown } | null)?.funcname ?? []) as { String?: { sval?: unknown } }[];
  const name = parts.map((p) => p.String?.sval);
  if (!name.every((n): n is string => typeof n === 'string')) return undefined;
  return resolvesToCatalog(name) ? name.at(-1)! : undefined;
}
