// Editors show a schema's title and description as hover text (yaml-language-server). Two shapes of a
// schema made from TypeBox render badly there, so the published schemas are rewritten for hover:
//   - a `title` is inherited by every property that has none (yaml-language-server's closestTitle), so the
//     root's title became a "#### runbook" heading on every key's hover: the published root has no title;
//   - an `anyOf` whose branches all match is shown as each branch's title joined by "||" (the inherited title
//     when a branch has none: "#### runbook || runbook"). Our unions are disjoint (distinct JSON types, or
//     objects each requiring its own key), so they are published as `oneOf`, which validates the same and
//     hovers with the union's own description; a union of constants becomes an `enum`.
// Validation is unchanged (test/language/json-schema.test.ts validates every shipped runbook against it).

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON type name per branch (a constant's value); undefined when a branch has neither. */
function branchKey(b: Json): string | undefined {
  if (b.const !== undefined) return `const:${JSON.stringify(b.const)}`;
  if (typeof b.type !== 'string') return undefined;
  return b.type === 'integer' ? 'number' : b.type;
}

/** Whether no value can match two branches: distinct JSON types, except that several objects may share
 *  `object` when each requires a key that no other object branch allows (additionalProperties: false). */
function disjoint(branches: Json[]): boolean {
  const keys = branches.map(branchKey);
  if (keys.some((k) => k === undefined)) return false;
  const objects = branches.filter((b) => b.type === 'object');
  const others = keys.filter((k) => k !== 'object');
  if (new Set(others).size !== others.length) return false;
  if (objects.length <= 1) return true;
  const allows = (p: Json, k: string) => p.additionalProperties !== false || p.patternProperties !== undefined
    || (isObject(p.properties) && k in p.properties);
  return objects.every((o, i) => objects.every((p, j) => i === j
    || (Array.isArray(o.required) && (o.required as string[]).some((k) => !allows(p, k)))));
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewrite(v);
  const branches = out.anyOf;
  if (Array.isArray(branches) && branches.every(isObject)) {
    const { anyOf: _anyOf, ...rest } = out;
    if (branches.every((b) => b.const !== undefined && Object.keys(b).every((k) => k === 'const' || k === 'type'))) {
      const values = branches.map((b) => b.const);
      const types = [...new Set(branches.map((b) => b.type))];
      return { ...(types.length === 1 && typeof types[0] === 'string' ? { type: types[0] } : {}), ...rest, enum: values };
    }
    if (disjoint(branches)) return { ...rest, oneOf: branches };
  }
  return out;
}

/** The schema as editors get it: the same validation, hover text without inherited titles or "||". */
export function forEditors(schema: Json): Json {
  const { title: _title, ...rest } = rewrite(schema) as Json;
  return rest;
}
