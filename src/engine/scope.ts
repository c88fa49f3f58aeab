// What expressions can read: inputs, every finished step by id, captures by name, `vars`, `run` and `result`.
import type { StepResult } from '../executors/types.js';
import { ENGINES, type EngineLookup, type Scope, type Taint } from '../language/expression/index.js';
import { engineOfScheme } from '../db/url.js';
import { renderTemplate } from './render.js';
import { own } from '../common/own.js';
import { withTaint } from '../secrets/taint.js';
import { markSecretVars, secretVarsOf, WITHHELD_VIEW } from '../secrets/step-taint.js';
import { setOwn } from '../common/own.js';

export interface RunData {
  inputs: Record<string, unknown>;
  results: Record<string, StepResult>;       // by step id
  captures: Record<string, string>;          // capture name → step id
  dryRun?: boolean;                          // `run.dry_run`: endings word what a dry run would have done
  connections?: Record<string, string>;      // connection name → its URL template, for engine(<connection>)
}

/** The view of a result that expressions see: the result plus `output` (stdout without the trailing newline). */
export function resultView(r: StepResult | undefined): Record<string, unknown> | undefined {
  if (!r) return undefined;
  // trimEnd, not .replace(/\s+$/, ''): same characters, but the regex retries from every position of a
  // whitespace run and went quadratic (3.7 s for 100 KB of blank lines followed by text).
  const view = { ...r, output: (r.stdout ?? '').trimEnd(), ok: r.status === 'ok' };
  if (r.withheld) Object.defineProperty(view, WITHHELD_VIEW, { value: true, enumerable: false });
  return view;
}

/** `taint` (secrets/taint.ts) makes every value computed from a secret a secret too; the run always passes it. */
export function scopeOf(data: RunData, result?: StepResult, taint?: Taint): Scope {
  // Built for every step and every branch test, but an expression reads one or two results: a view is made
  // when first read, not for every finished step each time (that was O(steps) per step).
  const steps = stepsView(data.results);
  const scope: Scope = { inputs: data.inputs, steps, run: { dry_run: data.dryRun === true } };
  for (const [name, stepId] of Object.entries(data.captures)) lazy(scope, name, () => steps[stepId]);
  lazy(scope, 'vars', () => varsOf(data.results));
  if (result) scope.result = resultView(result);
  if (data.connections) Object.defineProperty(scope, ENGINES, { value: engineLookup(data.connections, scope), enumerable: false });
  return withTaint(scope, taint);
}

/** engine('db'): 'postgres' or 'mysql' (MariaDB too: the per-engine SQL key it uses) from the scheme of the
 *  connection's URL filled in now; null for a name that is not a connection or a URL that names no engine. */
function engineLookup(connections: Record<string, string>, scope: Scope): EngineLookup {
  return (name) => {
    const url = own(connections, name);
    if (url === undefined) return null;
    // The URL's own template is filled in without taint: the engine name is not a secret, the URL may be.
    const engine = engineOfScheme(renderTemplate(url, { ...scope }));
    return engine === undefined ? null : engine === 'postgres' ? 'postgres' : 'mysql';
  };
}

/** `vars.<name>`: the values every vars step that ran computed. A name belongs to one vars step (the validator
 *  says so), so the merge order does not matter. */
export function varsOf(results: Record<string, StepResult>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const secret = new Set<string>();
  for (const r of Object.values(results)) {
    if (!r.vars) continue;
    const marked = secretVarsOf(r.vars);
    // A later step's value of the same name replaces the earlier one, and whether it is a secret with it.
    for (const [k, v] of Object.entries(r.vars)) { setOwn(out, k, v); if (marked?.has(k)) secret.add(k); else secret.delete(k); }
  }
  markSecretVars(out, secret);
  return out;
}

/** `steps.<id>` as own, enumerable properties whose views are made when first read; O(1) to create. */
function stepsView(results: Record<string, StepResult>): Record<string, unknown> {
  const views = new Map<string, Record<string, unknown> | undefined>();
  const has = (id: string | symbol): id is string => typeof id === 'string' && Object.prototype.hasOwnProperty.call(results, id);
  const view = (id: string) => {
    if (!views.has(id)) views.set(id, resultView(results[id]));
    return views.get(id);
  };
  return new Proxy({}, {
    get: (_, id) => (has(id) ? view(id) : undefined),
    has: (_, id) => has(id),
    ownKeys: () => Object.keys(results),
    getOwnPropertyDescriptor: (_, id) => (has(id) ? { value: view(id), enumerable: true, configurable: true, writable: false } : undefined),
  });
}

function lazy(target: Record<string, unknown>, key: string, make: () => unknown): void {
  let made = false;
  let value: unknown;
  Object.defineProperty(target, key, {
    enumerable: true, configurable: true,
    get: () => { if (!made) { value = make(); made = true; } return value; },
  });
}
