// Shape errors of a cases file from its TypeBox schema, worded for the person editing the YAML and
// placed at file:line:col through the loader's source map.
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { didYouMean } from '../language/suggest.js';
import type { Reporter } from '../language/validate/context.js';

const MAX_ERRORS = 50;

interface ShapeError { path: string; message: string; schema: TSchema; value: unknown }

/** Reports every shape error once per path; true when the value fits the schema. */
export function checkShape(schema: TSchema, value: unknown, report: Reporter, label: (path: string) => string = () => ''): boolean {
  const seen = new Set<string>();
  for (const err of errors(schema, value, '')) {
    if (seen.has(err.path) || seen.size >= MAX_ERRORS) continue;
    seen.add(err.path);
    describe(err, report, label(err.path));
  }
  return seen.size === 0;
}

/** TypeBox says only "Expected union value" for a union; when the value's kind picks one member
 *  (a mapping or a list), the member's own errors say what is actually wrong. */
function* errors(schema: TSchema, value: unknown, base: string): Generator<ShapeError> {
  for (const e of Value.Errors(schema, value)) {
    const member = e.message === 'Expected union value' ? memberFor(e.schema, e.value) : undefined;
    if (member) yield* errors(member, e.value, base + e.path);
    else yield { path: base + e.path, message: e.message, schema: e.schema, value: e.value };
  }
}

function memberFor(schema: TSchema, value: unknown): TSchema | undefined {
  const kind = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : undefined;
  const members = (schema as { anyOf?: TSchema[] }).anyOf ?? [];
  return kind ? members.find((m) => (m as { type?: string }).type === kind) : undefined;
}

function describe({ path, message, schema, value }: ShapeError, report: Reporter, where: string): void {
  const name = path.split('/').pop() ?? '';
  if (message === 'Unexpected property') {
    const known = Object.keys((schema as { properties?: object }).properties ?? {});
    const hint = didYouMean(name, known) || (known.length ? ` (known keys: ${known.join(', ')})` : '');
    report.error('unknown-key', path, `unknown key '${name}'${where}${hint}`, 'key');
  } else if (message.startsWith('Expected required property') || (value === undefined && path !== '')) {
    report.error('missing-key', path, `missing required key '${name}'${where}`, 'key');
  } else {
    report.error('schema', path, `'${name || 'cases file'}'${where}: ${expected(schema, value)}, got ${show(value)}`);
  }
}

function expected(schema: TSchema, value: unknown): string {
  const s = schema as { anyOf?: { const?: unknown; type?: string }[]; type?: string; minItems?: number };
  if (s.anyOf?.every((o) => o.const !== undefined)) return `must be one of ${s.anyOf.map((o) => o.const).join(', ')}`;
  if (s.type === 'array' && Array.isArray(value) && s.minItems !== undefined && value.length < s.minItems) return `needs at least ${s.minItems} item`;
  const types = s.anyOf ? s.anyOf.map((o) => o.type ?? 'value') : [s.type ?? 'value'];
  return `expected ${[...new Set(types)].map(article).join(' or ')}`;
}

const article = (t: string) =>
  t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'integer' ? 'a whole number' : t === 'null' ? 'null' : `a ${t}`;

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? 'a list' : 'an empty list';
  if (typeof v === 'object') return 'a mapping';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
