// What expressions can read: inputs, every finished step by id, captures by name, and `result`.
import type { StepResult } from '../executors/types.js';
import type { Scope } from '../language/expression/index.js';

export interface RunData {
  inputs: Record<string, unknown>;
  results: Record<string, StepResult>;       // by step id
  captures: Record<string, string>;          // capture name → step id
}

/** The view of a result that expressions see: the result plus `output` (stdout without the trailing newline). */
export function resultView(r: StepResult | undefined): Record<string, unknown> | undefined {
  if (!r) return undefined;
  return { ...r, output: (r.stdout ?? '').replace(/\s+$/, ''), ok: r.status === 'ok' };
}

export function scopeOf(data: RunData, result?: StepResult): Scope {
  const steps: Record<string, unknown> = {};
  for (const [id, r] of Object.entries(data.results)) steps[id] = resultView(r);
  const scope: Scope = { inputs: data.inputs, steps };
  for (const [name, stepId] of Object.entries(data.captures)) scope[name] = steps[stepId];
  if (result) scope.result = resultView(result);
  return scope;
}
