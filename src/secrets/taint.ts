// The redactor's side of taint (language/expression/evaluate.ts): a value read from the run's data is secret
// when it holds a registered secret, and a string an expression computes from one is registered in turn, so
// upper(secret), json(secret) or 'x' + trim(secret) are masked wherever they are shown.
import { TAINT, type Scope, type Taint } from '../language/expression/index.js';
import type { Redactor } from './redactor.js';
import { SHOWN_OF_GIVEN } from '../language/results.js';
import { isWithheldView, secretVarsOf } from './step-taint.js';

/** How many values of a structure are looked at before it is taken to hold a secret anyway. */
const WALK_BUDGET = 10_000;

export function taintFor(redactor: Redactor): Taint {
  return {
    // A withheld result read whole (`json(steps.q)`, `json(steps)`) holds what the step returned, which no
    // registered secret need match (a probe of stop 80 had a given step's `rev` of a PIN's digits in an ending).
    secret: (value) => holdsWithheld(value) || (redactor.size > 0 && holds(redactor, value, { left: WALK_BUDGET })),
    // A derived string that already shows a registered secret is masked where it does; any other is new. A
    // structure's strings are each a secret (split(secret, ':')[1], lines(output)[0], a for_each item), and its
    // numbers as Redactor.addNumber says.
    derived: (value) => derive(redactor, value, { left: WALK_BUDGET }),
    // Read out of a withheld result (a step given a secret returned it, or chose it: its exit code, a count, a
    // size): a secret by where it came from. Or a vars value computed from a secret (engine/vars.ts marks it),
    // whatever it holds.
    flowed: (obj, key) => obj !== null && typeof obj === 'object' && typeof key === 'string'
      && ((isWithheldView(obj) && !SHOWN_OF_GIVEN.has(key)) || secretVarsOf(obj)?.has(key) === true),
    given: isWithheldView,
    // Each part of the value that is masked, escaped as the engine escapes it: json(secret) shell-quoted into a
    // command is neither the secret's JSON form nor its shell-quoted one, but this registers exactly what it is.
    shown: (value, escape) => {
      if (redactor.size === 0 || value === '') return;
      for (const [a, b] of redactor.ranges(value, true).ranges) {
        const piece = value.slice(a, b);
        const rendered = escape(piece);
        if (rendered !== piece) redactor.add(rendered, true);
      }
    },
  };
}

/** The scope with the hook the evaluator looks for (not enumerable: nothing lists or copies it). */
export function withTaint<S extends Scope>(scope: S, taint: Taint | undefined): S {
  if (taint) Object.defineProperty(scope, TAINT, { value: taint, enumerable: false });
  return scope;
}

/** Every string and number the value holds is looked at against the secrets known before it, then registered:
 *  registering one at a time would rebuild the redactor's matcher once per string. */
function derive(redactor: Redactor, value: unknown, budget: { left: number }): void {
  const strings: string[] = [];
  const numbers: (number | bigint)[] = [];
  const walk = (v: unknown): void => {
    if (--budget.left < 0) return;
    if (typeof v === 'string') strings.push(v);
    else if (typeof v === 'number' || typeof v === 'bigint') numbers.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(value);
  // Also new: one that shows a secret only until it is trimmed, as the engine trims what it reads back (a step's
  // output, lines(), split()): lower('Zaaaaaaa ') shows the window 'aaaaaaa ' of the secret, 'zaaaaaaa' none.
  const shows = (s: string) => redactor.contains(s);
  const fresh = strings.filter((s) => !shows(s) || [s.trim(), s.trimEnd(), s.trimStart()].some((t) => t !== s && t.length >= 3 && !shows(t)));
  for (const s of fresh) redactor.addValue(s, true);
  for (const n of numbers) redactor.addNumber(n);
}

function holds(redactor: Redactor, value: unknown, budget: { left: number }): boolean {
  if (--budget.left < 0) return true;
  if (typeof value === 'string') return redactor.contains(value);
  if (typeof value === 'number' || typeof value === 'bigint') return redactor.contains(String(value));
  if (!value || typeof value !== 'object') return false;
  for (const v of Object.values(value)) if (holds(redactor, v, budget)) return true;
  return false;
}

/** The value read from the run's data is a withheld result's view, or `steps` holding one. A value an expression
 *  builds from one is tainted by the read (evaluate.ts), so no deeper walk is needed. */
function holdsWithheld(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  return isWithheldView(value) || Object.values(value).some(isWithheldView);
}
