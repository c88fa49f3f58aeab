// Evaluates a parsed expression against a plain-data scope. Only own properties are readable, so
// __proto__, constructor and friends are simply undefined.
import { ExpressionError, type Node } from './ast.js';
import { FUNCTIONS } from './functions.js';

export type Scope = Record<string, unknown>;

/** Evaluates; any failure is an ExpressionError. Values from outside (a proxy, an object without a
 *  primitive form) can make a conversion throw a TypeError: that is the expression's failure, not the engine's. */
export function evaluate(node: Node, scope: Scope): unknown {
  try {
    return evalNode(node, scope);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(`cannot evaluate: ${(e as Error).message}`, node.pos);
  }
}

function evalNode(node: Node, scope: Scope): unknown {
  switch (node.type) {
    case 'literal': return node.value;
    case 'ident': return read(scope, node.name);
    case 'member': {
      const obj = evalNode(node.object, scope);
      const key = node.computed ? evalNode(node.property, scope) : (node.property as { value: string }).value;
      return read(obj, key);
    }
    case 'call': {
      const fn = FUNCTIONS.get(node.callee);
      if (!fn) throw new ExpressionError(`unknown function '${node.callee}'`, node.pos);
      return fn(...node.args.map((a) => evalNode(a, scope)));
    }
    case 'unary': return node.op === '!' ? !truthy(evalNode(node.arg, scope)) : -Number(evalNode(node.arg, scope));
    case 'logical': {
      const left = evalNode(node.left, scope);
      if (node.op === '&&') return truthy(left) ? evalNode(node.right, scope) : left;
      return truthy(left) ? left : evalNode(node.right, scope);
    }
    case 'conditional': return truthy(evalNode(node.test, scope)) ? evalNode(node.then, scope) : evalNode(node.else, scope);
    case 'array': return node.items.map((i) => evalNode(i, scope));
    case 'binary': return binary(node.op, evalNode(node.left, scope), evalNode(node.right, scope), node.pos);
  }
}

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function read(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if ((typeof obj === 'string' || Array.isArray(obj)) && key === 'length') return obj.length;
  if (typeof obj !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function binary(op: string, a: unknown, b: unknown, pos: number): unknown {
  switch (op) {
    case '==': return looseEqual(a, b);
    case '!=': return !looseEqual(a, b);
    // A missing value is not smaller or larger than anything (like SQL NULL): a probe that reported no
    // expiry date must not look like one that expires tomorrow.
    case '<': return present(a, b) && compare(a, b) < 0;
    case '<=': return present(a, b) && compare(a, b) <= 0;
    case '>': return present(a, b) && compare(a, b) > 0;
    case '>=': return present(a, b) && compare(a, b) >= 0;
    case '+': return typeof a === 'string' || typeof b === 'string' ? `${a ?? ''}${b ?? ''}` : Number(a) + Number(b);
    case '-': return Number(a) - Number(b);
    case '*': return Number(a) * Number(b);
    case '/': return Number(a) / Number(b);
    case '%': return Number(a) % Number(b);
    case 'in': return contains(b, a);
    case 'contains': return contains(a, b);
    case 'matches': return matches(a, b, pos);
  }
  throw new ExpressionError(`unknown operator ${op}`, pos);
}

/** Numbers that arrive as text (SQL drivers, shell output) compare as numbers. */
function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '') return a === Number(b);
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '') return Number(a) === b;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  return a === b;
}

const present = (a: unknown, b: unknown) => a !== undefined && a !== null && b !== undefined && b !== null;

function compare(a: unknown, b: unknown): number {
  const na = Number(a), nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && a !== null && b !== null && a !== '' && b !== '') return na - nb;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function contains(hay: unknown, needle: unknown): boolean {
  if (Array.isArray(hay)) return hay.some((x) => looseEqual(x, needle));
  if (typeof hay === 'string') return hay.includes(String(needle ?? ''));
  return false;
}

function matches(text: unknown, pattern: unknown, pos: number): boolean {
  try {
    return new RegExp(String(pattern)).test(String(text ?? ''));
  } catch {
    throw new ExpressionError(`invalid regular expression ${JSON.stringify(pattern)}`, pos);
  }
}
