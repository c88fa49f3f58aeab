// "resolved" means the application works now, not before the run was interrupted. A probe of stop 78 stopped the
// built-in `refused` at its restart-app gate after `verify` (a login with the application's URL) had passed,
// stopped the database, and resumed with --skip restart-app: the run ended `resolved` on that old login while the
// same URL was refused. A resumed run about to end `resolved` that ran no check of its own since the resume runs
// the last check that finished before the interruption again (a check only reads: language/check-step.ts); the
// run stays resolved only if the check ends as it did then and its new result decides every route of the run as the
// old one did (resumed-decisions.ts: a check that ends ok with rows that would now take another route is no
// proof). Otherwise it ends `escalate`, saying why.
import type { StepResult } from '../executors/types.js';
import type { MachineContext, MachineOutput } from './machine-types.js';
import type { RunbookDoc } from '../language/schema.js';
import type { Taint } from '../language/expression/index.js';
import { own } from '../common/own.js';
import { changedDecision, type ChangedDecision } from './resumed-decisions.js';

export interface ResumedCheck {
  /** The run's final context (its results, and the check recorded before the resume). */
  context: MachineContext;
  /** A check finished in this process, after the resume. */
  checkedHere: boolean;
  /** The runbook the run follows, and its taint (the decisions are taken again over the new result). */
  doc: RunbookDoc;
  taint?: Taint;
  run(stepId: string, context: MachineContext): Promise<StepResult>;
}

export async function resolvedNow(output: MachineOutput, r: ResumedCheck): Promise<MachineOutput> {
  const id = r.context.checkedBeforeResume;
  if (output.outcome !== 'resolved' || !id || r.checkedHere) return output;
  const recorded = own(r.context.results, id);
  const before = recorded?.status;
  const now = await r.run(id, r.context);
  const then = output.stepId ? `'${output.stepId}'` : 'its end';
  if (now.status === before) {
    const changed = changedDecision(r.doc, r.context, { id, then: recorded!, now }, output.stepId, r.taint);
    if (!changed) return { ...output, message: `${output.message} ('${id}', checked again after the resume, ended ${now.status} as before, and decides the run's routes as it did then.)` };
    return {
      outcome: 'escalate', ...(output.stepId ? { stepId: output.stepId } : {}),
      message: `The run reached ${then} (resolved) on a check made before it was interrupted, but '${id}', checked again after the resume, ended ${now.status} with a result that ${decided(changed)}. Nothing says the application works now: look again before calling it resolved.`,
    };
  }
  return {
    outcome: 'escalate', ...(output.stepId ? { stepId: output.stepId } : {}),
    message: `The run reached ${then} (resolved) on a check made before it was interrupted, but '${id}', checked again after the resume, ended ${now.status}${now.error ? `: ${now.error}` : ''} (it ended ${before ?? 'unknown'} then). Nothing says the application works now: look again before calling it resolved.`,
  };
}

function decided(c: ChangedDecision): string {
  return c.what === 'route'
    ? `would now take '${c.stepId}' to ${c.now} (it took it to ${c.then})`
    : `would now make the \`if\` of '${c.stepId}' ${c.now} (it was ${c.then})`;
}
