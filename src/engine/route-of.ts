// Where a step's result takes the run, and whether a step's `if` holds, read from the run's data: `on` keys in the
// order written, then an unhandled failure, then an expression that cannot be evaluated, then `next` branches and
// the fall-through. One reader: the compiled machine's route guards ask it (compile.ts), and so does a resumed run
// about a check it ran again (resumed-decisions.ts), so the two cannot disagree about where a result goes.
import type { RunbookDoc } from '../language/schema.js';
import type { Taint } from '../language/expression/index.js';
import { edgesOf, FALL_OFF, stepKind } from '../language/flow.js';
import { FAILING, onMatches } from '../language/results.js';
import { own } from '../common/own.js';
import { FAILED, FINISHED, type MachineContext } from './machine-types.js';
import { scopeOf } from './scope.js';
import { test } from './render.js';

/** What an expression that cannot be evaluated decides: the machine ends the run failed there. */
export const BROKEN = '(an expression that cannot be evaluated)';

/** Which way the result of step `i` (in `context.results`) takes the run: the index of its edge (flow.ts edgesOf),
 *  FAILED for an unhandled failure, BROKEN when a branch's expression cannot be evaluated. The compiler's route
 *  guards ask this too: the machine and a resumed run's check read a route one way. */
export function decideRoute(doc: RunbookDoc, i: number, context: MachineContext, taint?: Taint): number | typeof FAILED | typeof BROKEN {
  const step = doc.steps[i]!;
  const result = own(context.results, step.id);
  const edges = edgesOf(doc, i);
  const on = edges.findIndex((e) => e.via === 'on' && onMatches(e.label!, result));
  if (on >= 0) return on;
  if (FAILING.has(result?.status ?? 'failed')) return FAILED;
  const scope = scopeOf(context, result, taint);
  try {
    // Every branch's expression is evaluated before any branch is taken: one that cannot be fails the run.
    const taken = edges.map((e) => e.via !== 'on' && (e.label === undefined || test(e.label, scope).value));
    const j = taken.indexOf(true);
    return j >= 0 ? j : FAILED;
  } catch {
    return BROKEN;
  }
}

/** The step the result of step `i` routes to: a step id, FINISHED past the last step, FAILED or BROKEN. */
export function routeOf(doc: RunbookDoc, i: number, context: MachineContext, taint?: Taint): string {
  const route = decideRoute(doc, i, context, taint);
  if (typeof route !== 'number') return route;
  const to = edgesOf(doc, i)[route]!.to;
  return to === FALL_OFF ? FINISHED : to;
}

/** Whether step `i`'s `if` holds over the run's data (undefined for a step without one), BROKEN when it cannot be
 *  evaluated. */
export function conditionOf(doc: RunbookDoc, i: number, context: MachineContext, taint?: Taint): boolean | typeof BROKEN | undefined {
  const cond = doc.steps[i]!.if;
  if (cond === undefined) return undefined;
  try {
    return test(cond, scopeOf(context, undefined, taint)).value;
  } catch {
    return BROKEN;
  }
}

/** Steps that route (an end step decides only by its `if`). */
export const routes = (doc: RunbookDoc, i: number): boolean => stepKind(doc.steps[i]!) !== 'end';
