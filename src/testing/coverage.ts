// Branch coverage: every route an author wrote (language/flow.ts edgesOf: each `on` key, each `next`
// branch, each fall-through) that some case takes. The implicit "unhandled failure ends the run" route
// the compiler adds to every step is not counted: it is engine behaviour, not a branch of the runbook.
import type { StepResult } from '../executors/types.js';
import { edgesNeverTaken, onMatches } from '../language/results.js';
import type { BranchTaken } from '../engine/events.js';
import { edgesOf, FALL_OFF, type Edge } from '../language/flow.js';
import type { RunbookDoc } from '../language/schema.js';

export interface Route {
  key: string;          // `${step index}:${edge index}`
  from: string;
  edge: Edge;
  /** Why no run can take it, when that follows from the runbook itself. */
  never?: string;
}

export function routesOf(doc: RunbookDoc): Route[] {
  return doc.steps.flatMap((step, i) => {
    // Which results take which route is the compiler's rule (language/results.ts), applied to every result
    // the step can have; a branch after one without `if` is never reached.
    const nevers = edgesNeverTaken(doc, i);
    return edgesOf(doc, i).map((edge, j) => {
      const never = nevers[j];
      return { key: `${i}:${j}`, from: step.id, edge, ...(never ? { never } : {}) };
    });
  });
}

/** The route a branch event took. `on` events do not say which key matched, so the machine's choice is
 *  replayed: the first `on` key, in order, that matches the step's result. */
export function routeTaken(routes: Route[], event: BranchTaken, result: StepResult | undefined): Route | undefined {
  if (event.via === 'failure') return undefined;
  const mine = routes.filter((r) => r.from === event.from && r.edge.to === event.to && r.edge.via === event.via);
  if (event.via === 'on') return mine.find((r) => onMatches(r.edge.label!, result)) ?? mine[0];
  if (event.via === 'next') return mine.find((r) => r.edge.label === event.expression);
  return mine[0];
}

export function describeRoute(r: Route): string {
  const to = r.edge.to === FALL_OFF ? '(end of steps)' : r.edge.to;
  const how = r.edge.via === 'on' ? `on ${r.edge.label}` : r.edge.via === 'then' ? 'falls through'
    : r.edge.label !== undefined ? `if ${r.edge.label}` : 'next';
  return `${r.from} → ${to}  (${how})`;
}

export interface CoverageSummary { counted: Route[]; covered: Route[]; uncovered: Route[]; never: Route[] }

export function summarize(routes: Route[], taken: Set<string>): CoverageSummary {
  const counted = routes.filter((r) => !r.never);
  return {
    counted,
    covered: counted.filter((r) => taken.has(r.key)),
    uncovered: counted.filter((r) => !taken.has(r.key)),
    never: routes.filter((r) => r.never),
  };
}
