// A check: a step that only reads, run without a gate (a proven SQL or shell read, a probe, a wait), and a loop of
// such reads (a probe of stop 79: a read for_each as the last check before a kill was no check, and the resumed run
// ended resolved with the database stopped; its items only read, so running the loop again acts on nothing).
// A resumed run that would end `resolved` on a check made before its interruption runs that check again first
// (engine/run.ts): the database may have gone away while the run was stopped.
import type { StepDoc } from './schema.js';
import { stepKind } from './flow.js';
import { vouchedFor } from './vouched.js';

const CHECK_KINDS = new Set(['sql', 'shell', 'probe', 'wait']);

export const isCheck = (step: StepDoc): boolean =>
  step.destructive !== true && !vouchedFor(step) && CHECK_KINDS.has(stepKind(step) ?? '');
