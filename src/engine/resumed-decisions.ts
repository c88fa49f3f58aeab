// A check run again after a resume can end as before (ok) with rows that decide otherwise: "pool at 99 % → go to
// kill-idle" then, "at 10 % → go on" now (stop 78 left it: judged by status alone). The run's path rests on every
// decision made from the check's result — its own route, a later step's `if`, a branch or an end's `if` reading it,
// through vars computed from it — so each decision of a step that ran (and of the end reached) is taken again, once
// over the result recorded then and once over the new one, the rest of the run's data the same: the first that
// differs is named. Comparing the two over the same data asks exactly what the new result changes.
import type { StepResult } from '../executors/types.js';
import type { RunbookDoc } from '../language/schema.js';
import type { Taint } from '../language/expression/index.js';
import { own, setOwn } from '../common/own.js';
import { BROKEN, conditionOf, routeOf, routes } from './route-of.js';
import { FAILED, FINISHED, type MachineContext } from './machine-types.js';
import { recomputeVars } from './vars.js';
import { scopeOf } from './scope.js';

export interface ChangedDecision { stepId: string; what: 'route' | 'if'; then: string; now: string }

/** The first decision of the run (a step that ran, or `endStep`) that the check's new result takes otherwise. */
export function changedDecision(doc: RunbookDoc, context: MachineContext, check: { id: string; then: StepResult; now: StepResult },
  endStep: string | undefined, taint?: Taint): ChangedDecision | undefined {
  const then = withCheck(doc, context, check.id, check.then, taint);
  const now = withCheck(doc, context, check.id, check.now, taint);
  for (const [i, step] of doc.steps.entries()) {
    if (!own(context.results, step.id) && step.id !== endStep) continue;
    const ifs = [conditionOf(doc, i, then, taint), conditionOf(doc, i, now, taint)].map(shown);
    if (ifs[0] !== ifs[1]) return { stepId: step.id, what: 'if', then: ifs[0]!, now: ifs[1]! };
    if (!routes(doc, i) || !own(context.results, step.id)) continue;
    const to = [routeOf(doc, i, then, taint), routeOf(doc, i, now, taint)].map(shown);
    if (to[0] !== to[1]) return { stepId: step.id, what: 'route', then: to[0]!, now: to[1]! };
  }
  return undefined;
}

/** The run's data with the check's result in place, and the vars computed from the results again (a vars step
 *  may have computed a value from the check's rows). Results are copied: the run's own are not touched. */
function withCheck(doc: RunbookDoc, context: MachineContext, id: string, result: StepResult, taint?: Taint): MachineContext {
  const results: Record<string, StepResult> = {};
  for (const [k, r] of Object.entries(context.results)) setOwn(results, k, k === id ? { ...result } : { ...r });
  const data = { ...context, results };
  recomputeVars(doc, results, (seen) => scopeOf({ ...data, results: seen }, undefined, taint));
  return data;
}

function shown(decision: string | boolean | undefined): string {
  if (decision === undefined) return 'none';
  if (typeof decision === 'boolean') return String(decision);
  if (decision === BROKEN) return decision;
  if (decision === FAILED) return 'the run failed';
  if (decision === FINISHED) return 'the end (past the last step)';
  return `'${decision}'`;
}
