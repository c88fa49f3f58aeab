// Evaluates a parsed expression against a plain-data scope. Only own properties are readable, so
// __proto__, constructor and friends are simply undefined.
import { ExpressionError, type Node } from './ast.js';
import { FUNCTIONS, toNumber } from './functions.js';
import { linearRegExp } from './linear-regex.js';
import { isPresenceTest } from './presence.js';

export type Scope = Record<string, unknown>;

/** Secrets flow through expressions: a value computed from a secret (upper(secret), json(secret), a
 *  concatenation, trim) is a secret too. A scope that carries TAINT says which values it read are secret, and is
 *  told each string computed from one. The language knows nothing of redaction; the engine supplies the hook. */
export const TAINT = Symbol('taint');
export interface Taint {
  /** Whether a value read from the scope is (or holds) a secret. */
  secret(value: unknown): boolean;
  /** A value computed from a secret by a function or operator: a string, or a structure (split, lines, an array)
   *  whose every string is then a secret, or a number. */
  derived(value: unknown): void;
  /** The engine shows `value` through a character-wise escape (shell quoting, JSON): what of the escaped text
   *  stands for a secret in `value` is registered, so the rendering is masked as the value is. */
  shown(value: string, escape: (s: string) => string): void;
  /** Whether `obj[key]` is a secret by where it came from (a step given a secret returned it), whatever it holds. */
  flowed?(obj: unknown, key: unknown): boolean;
  /** Whether `obj` is what a step given a secret returned: even whether a field of it is empty is its code's
   *  choice, so a presence test of one reads the secret (presence.ts). */
  given?(obj: unknown): boolean;
}

/** `engine(<connection>)`: the engine a declared connection's URL names. The run supplies the lookup (its URLs
 *  are templates filled in from the run's data); without one (a scope outside a run) the answer is null. */
export const ENGINES = Symbol('engines');
export type EngineLookup = (connection: string) => string | null;

/** Taint flowing through one evaluation: `on` is whether the value just computed came from a secret. `whole`: the
 *  structures a secret produced or chose (a withheld step's rows, a row find() picked by a secret, a for_each item of
 *  a secret's list), every part of which is a secret too, unlike a structure that merely holds one (`inputs`). */
interface Flow { hook: Taint; on: boolean; whole: WeakSet<object>; given?: boolean }

/** Evaluates; any failure is an ExpressionError. Values from outside (a proxy, an object without a
 *  primitive form) can make a conversion throw a TypeError: that is the expression's failure, not the engine's. */
export function evaluate(node: Node, scope: Scope): unknown {
  return evaluateFlow(node, scope).value;
}

/** The value and whether it came from a secret (read one, or computed from one): what a display withholds
 *  whole, whatever the value looks like (a 3-digit piece of a secret's number too). Never tainted without the hook. */
export function evaluateFlow(node: Node, scope: Scope): { value: unknown; tainted: boolean } {
  const hook = scope[TAINT as unknown as string] as Taint | undefined;
  const flow = hook ? { hook, on: false, whole: new WeakSet<object>() } : undefined;
  try {
    const value = evalNode(node, scope, flow);
    return { value, tainted: flow?.on ?? false };
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(`cannot evaluate: ${(e as Error).message}`, node.pos);
  }
}

/** A sub-expression's value and whether it came from a secret. */
function sub(node: Node, scope: Scope, t: Flow | undefined): [unknown, boolean] {
  if (!t) return [evalNode(node, scope, t), false];
  const outer = t.on;
  t.on = false;
  const value = evalNode(node, scope, t);
  const tainted = t.on;
  t.on = outer;
  return [value, tainted];
}

/** A value read from the scope: secret by what it holds. Only the end of a member chain counts (`login.details.host`
 *  is not secret because `login` also holds a URL with a password). */
function source(value: unknown, t: Flow | undefined): unknown {
  if (t && t.hook.secret(value)) t.on = true;
  return value;
}

/** A value computed from operands, tainted when one was: what it holds is registered as a secret (every string of
 *  split(secret, ':') too, so split(secret, ':')[1] is one when it is read back out). */
function computed(value: unknown, tainted: boolean, t: Flow | undefined): unknown {
  if (!t || !tainted) return value;
  t.on = true;
  wholly(value, t);
  if (value !== null && value !== undefined && typeof value !== 'boolean') t.hook.derived(value);
  return value;
}

function evalNode(node: Node, scope: Scope, t: Flow | undefined): unknown {
  switch (node.type) {
    case 'literal': return node.value;
    case 'ident': {
      const value = read(scope, node.name);
      // A name the scope marks as a secret by where it came from (a for_each item of a secret's list).
      if (t?.hook.flowed?.(scope, node.name)) return computed(value, true, t);
      return source(value, t);
    }
    case 'member': {
      const [obj, objTainted] = sub(node.object, scope, t);
      const [key, keyTainted] = node.computed ? sub(node.property, scope, t) : [(node.property as { value: string }).value, false];
      const value = read(obj, key);
      // Read out of a withheld result: a secret as a whole, registered so that every use of it is one.
      if (t?.hook.flowed?.(obj, key)) {
        if (t.hook.given?.(obj)) t.given = true;
        return computed(value, true, t);
      }
      // A piece of a secret's string or list (its length, an item) is computed from it, as length() is; so is a field
      // of a structure a secret produced or chose (`steps.q.rows[0].n` of a step given a secret: a PIN's digit's
      // code, 52, is no value the redactor can mask; a probe of stop 78 read a PIN back from a title so).
      if (objTainted && (typeof obj === 'string' || Array.isArray(obj) || isWhole(obj, t))) return computed(value, true, t);
      // Which item a secret key picked tells the key (a table of words indexed by a PIN's digits spells it).
      if (keyTainted) return chosenBy(source(value, t), t);
      return source(value, t);
    }
    case 'call': {
      const fn = FUNCTIONS.get(node.callee);
      if (!fn) throw new ExpressionError(`unknown function '${node.callee}'`, node.pos);
      const args = node.args.map((a) => sub(a, scope, t));
      // The engine's name says nothing secret, even when the URL it was read from is one.
      if (node.callee === 'engine') return (scope[ENGINES as unknown as string] as EngineLookup | undefined)?.(String(args[0]?.[0] ?? '')) ?? null;
      const value = fn(...args.map(([v]) => v));
      // default() passes one of its arguments through unchanged: it is as secret as the one it returned, and when
      // its first was computed from a secret, which one it returned is that secret's choice (empty or not).
      if (node.callee === 'default') return args[0]?.[1] ? chosenBy(passThrough(value, args, t), t) : passThrough(value, args, t);
      return computed(value, args.some(([, tainted]) => tainted), t);
    }
    case 'unary': {
      const [arg, tainted] = sub(node.arg, scope, t);
      return computed(node.op === '!' ? !truthy(arg) : -toNumber(arg), tainted, t);
    }
    case 'logical': {
      const left = sub(node.left, scope, t);
      if (node.op === '&&' ? !truthy(left[0]) : truthy(left[0])) return passThrough(left[0], [left], t);
      const right = passThrough(...pick(sub(node.right, scope, t)), t);
      return left[1] ? chosenBy(right, t) : right;
    }
    case 'conditional': {
      // A branch a secret chose tells the secret: a chain of `d == '7' ? 'seven' : …` spells it word by word.
      const [test, testTainted] = sub(node.test, scope, t);
      const value = passThrough(...pick(sub(truthy(test) ? node.then : node.else, scope, t)), t);
      return testTainted ? chosenBy(value, t) : value;
    }
    case 'array': {
      const items = node.items.map((i) => sub(i, scope, t));
      return computed(items.map(([v]) => v), items.some(([, tainted]) => tainted), t);
    }
    case 'binary': {
      const outer = t?.given === true;
      if (t) t.given = false;
      const [a, ta] = sub(node.left, scope, t);
      const [b, tb] = sub(node.right, scope, t);
      const given = t?.given === true;
      if (t) t.given = outer || given;
      // Whether an input or an answer was given (`inputs.admin_url != null`, `admin.value == ''`) is the operator's
      // choice, which the run's header lists: no piece of its value (presence.ts). Not a field a step given a
      // secret returned: its code chose whether it is empty.
      if (isPresenceTest(node) && !given) return binary(node.op, a, b, node.pos);
      return computed(binary(node.op, a, b, node.pos, tb), ta || tb, t);
    }
  }
}

const pick = (r: [unknown, boolean]): [unknown, [unknown, boolean][]] => [r[0], [r]];

/** A value a secret chose (a branch, an item): shown masked, but not itself registered as a secret ('seven' is
 *  no secret to mask in every output; that the secret chose it here is). */
function chosenBy(value: unknown, t: Flow | undefined): unknown {
  if (t) { t.on = true; wholly(value, t); }
  return value;
}

/** A structure a secret produced or chose: every field read from it is a secret in turn. */
function wholly(value: unknown, t: Flow): void {
  if (value !== null && typeof value === 'object') t.whole.add(value);
}

const isWhole = (obj: unknown, t: Flow | undefined): boolean => t !== undefined && obj !== null && typeof obj === 'object' && t.whole.has(obj);

/** A value that is one of the operands: tainted as that operand was, nothing new to register. */
function passThrough(value: unknown, operands: [unknown, boolean][], t: Flow | undefined): unknown {
  if (t && operands.some(([v, tainted]) => tainted && v === value)) t.on = true;
  return value;
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

/** `secretRight`: the right operand came from a secret (a pattern a failure must not quote). */
function binary(op: string, a: unknown, b: unknown, pos: number, secretRight = false): unknown {
  switch (op) {
    case '==': return looseEqual(a, b);
    case '!=': return !looseEqual(a, b);
    // A missing value is not smaller or larger than anything (like SQL NULL): a probe that reported no
    // expiry date must not look like one that expires tomorrow.
    case '<': return present(a, b) && compare(a, b) < 0;
    case '<=': return present(a, b) && compare(a, b) <= 0;
    case '>': return present(a, b) && compare(a, b) > 0;
    case '>=': return present(a, b) && compare(a, b) >= 0;
    case '+': return typeof a === 'string' || typeof b === 'string' ? `${a ?? ''}${b ?? ''}` : toNumber(a) + toNumber(b);
    case '-': return toNumber(a) - toNumber(b);
    case '*': return toNumber(a) * toNumber(b);
    case '/': return toNumber(a) / toNumber(b);
    case '%': return toNumber(a) % toNumber(b);
    case 'in': return contains(b, a);
    case 'contains': return contains(a, b);
    case 'matches': return matches(a, b, pos, secretRight);
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
  // Not a number (number('') of an empty output): every order comparison is false, as with a missing value.
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const na = Number(a), nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && a !== null && b !== null && a !== '' && b !== '') return na - nb;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function contains(hay: unknown, needle: unknown): boolean {
  if (Array.isArray(hay)) return hay.some((x) => looseEqual(x, needle));
  if (typeof hay === 'string') return hay.includes(String(needle ?? ''));
  return false;
}

/** `secret`: the pattern came from a secret, so its failure quotes neither it nor what is wrong with it (a probe of
 *  stop 78 read `invalid regular expression "(8"`, a PIN's digit, in a step's error and the run's ending). */
function matches(text: unknown, pattern: unknown, pos: number, secret = false): boolean {
  let re: RegExp;
  try {
    re = linearRegExp(String(pattern));
  } catch (e) {
    if (secret) throw new ExpressionError('invalid regular expression (a pattern computed from a secret)', pos);
    throw new ExpressionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`, pos);
  }
  return re.test(String(text ?? ''));
}
