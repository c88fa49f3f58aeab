// Where a step's result takes the run, and whether a step's `if` holds, read from the run's data without running
// the machine: the same primitives in the same order as the compiler's guards (compile.ts routes(): `on` keys, then
// an unhandled failure, then an expression that cannot be evaluated, then `next` branches and the fall-through).
// A resumed run asks it of a check run again (resumed-decisions.ts).
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

/** The step the result of step `i` (in `context.results`) routes to, FINISHED past the last step, FAILED for an
 *  unhandled failure, BROKEN when a branch's expression cannot be evaluated. */
export function routeOf(doc: RunbookDoc, i: number, context: MachineContext, taint?: Taint): string {
  const step = doc.steps[i]!;
  const result = own(context.results, step.id);
  const edges = edgesOf(doc, i);
  const to = (id: string) => (id === FALL_OFF ? FINISHED : id);
  const on = edges.find((e) => e.via === 'on' && onMatches(e.label!, result));
  if (on) return to(on.to);
  if (FAILING.has(result?.status ?? 'failed')) return FAILED;
  const scope = () => scopeOf(context, result, taint);
  const branches = edges.filter((e) => e.via !== 'on');
  try {
    // The compiler's broken guard evaluates every branch's expression before any branch is taken.
    const taken = branches.map((e) => e.label === undefined || test(e.label, scope()).value);
    return to(branches[taken.indexOf(true)]?.to ?? FALL_OFF);
  } catch {
    return BROKEN;
  }
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
