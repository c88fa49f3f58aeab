// The routes between steps, as the language defines them. Used by the validator (reachability, loops),
// the compiler (transitions) and `runbook graph`.
import type { RunbookDoc, StepDoc } from './schema.js';
import { STEP_KINDS, type StepKind } from './schema.js';

/** Past the last step: the run ends as resolved ("every step ran"). */
export const FALL_OFF = '$end';

export interface Edge {
  to: string;              // a step id or FALL_OFF
  via: 'on' | 'next' | 'then';
  label?: string;          // the `on` key or the branch condition
  path: string;            // where the edge is written (for diagnostics)
}

const indexes = new WeakMap<RunbookDoc, Map<string, StepDoc>>();

/** The step with this id, from an index built once per runbook: the engine looks steps up on every
 *  transition, and a scan made a 500-step run quadratic. */
export function stepById(doc: RunbookDoc, id: string): StepDoc | undefined {
  let index = indexes.get(doc);
  if (!index) indexes.set(doc, index = new Map(doc.steps.map((s) => [s.id, s])));
  return index.get(id);
}

export function stepKind(step: StepDoc): StepKind | undefined {
  return STEP_KINDS.find((k) => step[k] !== undefined);
}

/** Edges out of step i. `then` is the implicit move to the following step. */
export function edgesOf(doc: RunbookDoc, i: number): Edge[] {
  const step = doc.steps[i];
  if (!step) return [];
  const base = `/steps/${i}`;
  const following = doc.steps[i + 1]?.id ?? FALL_OFF;
  // An end step with `if` is a guard: when it does not hold, the step is skipped and the run goes on.
  if (stepKind(step) === 'end') return step.if === undefined ? [] : [{ to: following, via: 'then', path: base }];
  const edges: Edge[] = Object.entries(step.on ?? {}).map(([label, to]) => ({ to, via: 'on', label, path: `${base}/on/${label}` }));
  if (typeof step.next === 'string') {
    edges.push({ to: step.next, via: 'next', path: `${base}/next` });
  } else if (Array.isArray(step.next)) {
    step.next.forEach((b, j) => edges.push({ to: b.goto, via: 'next', label: b.if, path: `${base}/next/${j}/goto` }));
    const last = step.next[step.next.length - 1];
    if (!last || last.if !== undefined) edges.push({ to: following, via: 'then', path: base });
  } else {
    edges.push({ to: following, via: 'then', path: base });
  }
  return edges;
}
