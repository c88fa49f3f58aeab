// Scripted results arrive at once, but waits and retry backoffs would still sleep for real. A test runs
// a copy of the runbook with those durations at zero: the same steps, edges and conditions, no waiting.
// A wait then ends after its first polls: ok when `until` holds for the scripted result, timeout if not.
import type { RunbookDoc } from '../language/schema.js';

export function instantDoc(doc: RunbookDoc): RunbookDoc {
  const copy = structuredClone(doc);
  // The application's check at the end: one login (the end step's scripted result), not a second of them each.
  if (copy.application) copy.application.hold = 0;
  for (const step of copy.steps) {
    if (step.wait) { step.wait.every = 0; step.wait.for = 0; }
    if (step.retry) step.retry.backoff = 0;
  }
  return copy;
}
