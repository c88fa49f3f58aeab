// What a step did at each visit, from the visits the view model keeps as they end (view-model.ts endedVisits). The
// step list shows a step's latest visit; the record of what was done is every visit's. A probe of stop 73: a loop
// ran its destructive step at visit 1 and skipped it at visit 2, and the record read "↷ skipped" and "no
// destructive action taken" while the transcript and the report had the run.
import type { EndedVisit, StepView } from './view-model.js';

/** " (ran at visit 1)": the latest visit did not run the step's action (a skip, a denial, an abort at the gate),
 *  earlier ones did. Empty otherwise. */
export function ranEarlier(s: StepView): string {
  if (s.ran) return '';
  const at = (s.endedVisits ?? []).filter((v) => v.ran && v.visit < s.visits).map((v) => v.visit);
  return at.length ? ` (ran at ${at.length === 1 ? 'visit' : 'visits'} ${at.join(', ')})` : '';
}

export interface StepVisit { step: StepView; visit: EndedVisit }

/** Every ended visit of a destructive step that ran its action or was answered at its gate, in the order they
 *  began: one row each in the record. */
export function destructiveVisits(steps: StepView[]): StepVisit[] {
  return steps.filter((s) => s.destructive)
    .flatMap((step) => (step.endedVisits ?? []).map((visit) => ({ step, visit })))
    .sort((a, b) => a.visit.enteredAt - b.visit.enteredAt);
}

/** The step as it was at the end of one visit, for its status words (step-status.ts). */
export function visitView({ step, visit }: StepVisit): StepView {
  const { result, durationMs, skip, confirmation } = visit;
  return { ...step, state: visit.state, ran: visit.ran, result, durationMs, skip, confirmation, endedVisits: [] };
}
