// Whether a value was given at all: the operator's choice (an input, a prompt's answer left empty) or what a
// record already shows (a step's output empty or not; not of a step given a secret, whose code chose it: the
// evaluator and route-check.ts count that one, stop 80). Compared whole against null or '', it tells nothing of what
// the value is, so neither the evaluator's taint nor validate's route check counts it as reading a secret
// (`inputs.admin_url != null`, `default(admin.value, '') == ''`). Only such reads: a piece (`split(inputs.pin, '')[5]`),
// a cell of a row, or a vars value a secret computed empty or not would tell one bit of the secret per test.
import type { Node } from './ast.js';

/** The fields of a step's result read whole whose emptiness the record shows (a withheld field's size). */
const WHOLE_FIELDS: ReadonlySet<string> = new Set(['value', 'output', 'stdout', 'stderr', 'error']);

/** `X == null`, `X != ''`, … either way round, X an input or a step's whole field, bare or in `default(X, '')`. */
export function isPresenceTest(n: Node): boolean {
  if (n.type !== 'binary' || (n.op !== '==' && n.op !== '!=')) return false;
  return (isEmpty(n.right) && readWhole(n.left)) || (isEmpty(n.left) && readWhole(n.right));
}

const isEmpty = (n: Node): boolean => n.type === 'literal' && (n.value === null || n.value === '');

function readWhole(n: Node): boolean {
  if (n.type === 'call' && n.callee === 'default' && n.args.length === 2 && isEmpty(n.args[1]!)) return readWhole(n.args[0]!);
  const chain = chainOf(n);
  if (!chain) return false;
  const [root, ...fields] = chain;
  if (root === 'inputs') return fields.length === 1;
  if (root === 'steps') return fields.length === 2 && WHOLE_FIELDS.has(fields[1]!);
  // A capture (or `result`): its whole field. Not `vars`, whose values a secret may compute empty or not.
  return root !== 'vars' && root !== 'run' && fields.length === 1 && WHOLE_FIELDS.has(fields[0]!);
}

/** `a.b['c']` as its names, or undefined when a key is computed. */
function chainOf(n: Node): string[] | undefined {
  if (n.type === 'ident') return [n.name];
  if (n.type !== 'member' || n.property.type !== 'literal' || typeof n.property.value !== 'string') return undefined;
  const head = chainOf(n.object);
  return head && [...head, n.property.value];
}
