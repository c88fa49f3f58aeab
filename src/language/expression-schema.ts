// Fields that hold an expression (not a template): marked in the language schema so that the JSON Schema
// published for editors can say what the expression tokenizer says about backslashes (docs/expressions.md).
import { Type, type StringOptions } from '@sinclair/typebox';

/** The marker; the published schema (json-schema.ts) turns it into EXPRESSION_PATTERN. Validation ignores it:
 *  the validator reports a bad escape itself, located, with the fix. */
export const EXPRESSION_MARK = 'x-runbook-expression';

/** A backslash only as one of the string escapes (\n \t \\ \' \"): anything else the tokenizer refuses. */
export const EXPRESSION_PATTERN = '^(?:[^\\\\]|\\\\[nt\\\\\'"])*$';

export const Expression = (options: StringOptions) => Type.String({ ...options, [EXPRESSION_MARK]: true });

/** The published form: the marker becomes the pattern, everywhere in the tree. */
export function markExpressions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markExpressions);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== EXPRESSION_MARK) out[k] = markExpressions(v);
  if ((node as Record<string, unknown>)[EXPRESSION_MARK] === true) out.pattern = EXPRESSION_PATTERN;
  return out;
}
