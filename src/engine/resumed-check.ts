// "resolved" means the application works now, not before the run was interrupted. A probe of stop 78 stopped the
// built-in `refused` at its restart-app gate after `verify` (a login with the application's URL) had passed,
// stopped the database, and resumed with --skip restart-app: the run ended `resolved` on that old login while the
// same URL was refused. A resumed run about to end `resolved` that ran no check of its own since the resume runs
// the last check that finished before the interruption again (a check only reads: language/check-step.ts); the
// run stays resolved only if the check ends as it did then. Otherwise it ends `escalate`, saying why.
import type { StepResult } from '../executors/types.js';
import type { MachineContext, MachineOutput } from './machine-types.js';
import { own } from '../common/own.js';

export interface ResumedCheck {
  /** The run's final context (its results, and the check recorded before the resume). */
  context: MachineContext;
  /** A check finished in this process, after the resume. */
  checkedHere: boolean;
  run(stepId: string, context: MachineContext): Promise<StepResult>;
}

export async function resolvedNow(output: MachineOutput, r: ResumedCheck): Promise<MachineOutput> {
  const id = r.context.checkedBeforeResume;
  if (output.outcome !== 'resolved' || !id || r.checkedHere) return output;
  const before = own(r.context.results, id)?.status;
  const now = await r.run(id, r.context);
  if (now.status === before) return { ...output, message: `${output.message} ('${id}', checked again after the resume, ended ${now.status} as before.)` };
  const then = output.stepId ? `'${output.stepId}'` : 'its end';
  return {
    outcome: 'escalate', ...(output.stepId ? { stepId: output.stepId } : {}),
    message: `The run reached ${then} (resolved) on a check made before it was interrupted, but '${id}', checked again after the resume, ended ${now.status}${now.error ? `: ${now.error}` : ''} (it ended ${before ?? 'unknown'} then). Nothing says the application works now: look again before calling it resolved.`,
  };
}
