// Whether a failed attempt is tried again. The attempts a step took are shown (each attempt's line, its record), so
// for a step given a secret the choice may read only what its record shows, its status: its classification is read
// from what its code printed or how it exited, which the code chooses from the secret (language/results.ts
// SHOWN_OF_GIVEN). validate says so where `retry.on` names a classification of such a step (route-check.ts).
import type { StepResult } from '../executors/types.js';
import type { RetryDoc } from '../language/schema.js';

export function retriesOn(retry: RetryDoc | undefined, result: StepResult): boolean {
  if (result.status === 'ok' || result.status === 'aborted') return false;
  if (!retry?.on) return true;
  const how = result.withheld ? result.status : result.classification ?? result.status;
  return retry.on.includes(how);
}
