// Four eyes at a gate (a step's `approval:`): the operator may decline or abort as at any gate, but only a
// teammate's decision (relayed from the team store) or a recorded break-glass lets the step run. A dry run
// runs nothing destructive, so its automatic answer stands. A teammate's decision answers the gate visit it
// names and no other (a decision made on an earlier visit of the step never answers a later one).
import type { ConfirmAnswer, ConfirmationAnswered, ConfirmationRequested, ConfirmDetails } from './events.js';

export function fourEyesAllows(gate: ConfirmationRequested, answer: ConfirmAnswer, how: ConfirmationAnswered['how'], details: ConfirmDetails = {}): boolean {
  if (how === 'four-eyes' && details.gate !== gate.gate) return false;
  if (!gate.approval || answer !== 'yes') return true;
  return how === 'four-eyes' || how === 'break-glass' || how === 'dry-run';
}
