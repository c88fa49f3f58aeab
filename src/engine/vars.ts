// The `vars` step kind: named values computed once, in order, when the step runs; later steps read them as
// vars.<name>. They are the step's result (`vars`), so the transcript records them (masked, like every result)
// and a resumed run has them back; values that came from secrets are computed again on resume (below).
import type { StepResult } from '../executors/types.js';
import { evaluateFlow, parseExpression, type Scope } from '../language/expression/index.js';
import { markSecretVars, secretVarsOf } from '../secrets/step-taint.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { stepById, stepKind } from '../language/flow.js';
import { setOwn } from '../common/own.js';
import { varsOf } from './scope.js';

/** Each expression of the step in order; each sees the ones before it as vars.<name>. Throws (ExpressionError)
 *  naming the value that could not be computed. */
export function computeVars(step: StepDoc, scope: Scope): Record<string, unknown> {
  const earlier = (scope.vars ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const visible: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(earlier)) setOwn(visible, k, v);
  markSecretVars(visible, secretVarsOf(earlier) ?? []);
  Object.defineProperty(scope, 'vars', { value: visible, enumerable: true, configurable: true, writable: true });
  const secret: string[] = [];
  for (const [name, text] of Object.entries(step.vars ?? {})) {
    let flow: { value: unknown; tainted: boolean };
    try { flow = evaluateFlow(parseExpression(text), scope); } catch (e) { throw new Error(`vars.${name}: ${(e as Error).message}`); }
    // JSON-safe, as the transcript keeps it: undefined (a missing value) is null.
    const value = flow.value === undefined ? null : flow.value;
    setOwn(values, name, value);
    setOwn(visible, name, value);
    // Computed from a secret: a secret where later read (a resumed run computes the values, and this, again).
    if (flow.tainted) { secret.push(name); markSecretVars(visible, [name]); }
  }
  markSecretVars(values, secret);
  return values;
}

/** The result a vars step ends with. */
export function varsResult(values: Record<string, unknown>, durationMs: number): StepResult {
  return { status: 'ok', durationMs, vars: values };
}

/** A resumed run's recorded vars hold masked text where a value came from a secret (or are missing, cut from an
 *  oversized record). Computing them again from
 *  the inputs and the recorded results, in the order the steps finished, gives the real values back: the same
 *  expressions over the same data. A step whose values cannot be computed again keeps what was recorded. */
export function recomputeVars(doc: RunbookDoc, results: Record<string, StepResult>, scopeFor: (results: Record<string, StepResult>) => Scope): void {
  const seen: Record<string, StepResult> = {};
  for (const [id, r] of Object.entries(results)) {
    const step = stepById(doc, id);
    // Also when the record lost them (a step-finished line over the size limit keeps scalars only).
    if (step && stepKind(step) === 'vars' && r.status === 'ok') {
      try { r.vars = computeVars(step, scopeFor(seen)); } catch { /* keep the recorded values */ }
    }
    setOwn(seen, id, r);
  }
}

export { varsOf };
