// The four-eyes decisions a resumed run acted on before it stopped, handed to the run's four-eyes gate
// (cli/four-eyes-gate.ts): a decision given for one asking of a gate does not answer the next.
import type { TranscriptLine } from '../events/schema.js';

/** A resumed run's teammates' decisions it acted on, by step (the last one's time), from its transcript: a gate
 *  asked again (the step in flight, a later visit) waits for a decision made after it. */
export function decisionsActedOn(lines: readonly TranscriptLine[]): Map<string, string> {
  const decided = new Map<string, string>();
  for (const l of lines) {
    if (l.type === 'confirmation-answered' && l.how === 'four-eyes' && l.decidedAt) decided.set(l.stepId, l.decidedAt);
  }
  return decided;
}
