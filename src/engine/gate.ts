// What the operator is shown before a destructive step: exactly what will run, where, why, and how much.
import { maskUrl } from '../db/url.js';
import { stepById } from '../language/flow.js';
import type { RunbookDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import type { ConfirmationRequested } from './events.js';
import type { MachineContext } from './machine-types.js';
import { prepareStep } from './prepare.js';
import { renderTemplate, renderTitle } from './render.js';
import { scopeOf } from './scope.js';
import { taintFor } from '../secrets/taint.js';

export interface PendingGate { stepId: string; askedAt: number; event: ConfirmationRequested }

export function describeGate(doc: RunbookDoc, stepId: string, context: MachineContext, redactor: Redactor, target?: string): PendingGate {
  const step = stepById(doc, stepId)!;
  const scope = scopeOf(context, undefined, taintFor(redactor));
  const fill = (t: string | undefined) => {
    if (t === undefined) return undefined;
    try { return redactor.mask(renderTemplate(t, scope)); } catch (e) { return `${t} (${(e as Error).message})`; }
  };
  let command: string;
  let where = target;
  try {
    const prepared = prepareStep(doc, step, scope);
    command = prepared.command;
    // Known secrets first: a mistyped password (a raw '@' in it) would fool the URL masking into showing its tail.
    if (prepared.target) where = maskUrl(redactor.mask(prepared.target));
  } catch (e) {
    command = `(cannot show the command: ${(e as Error).message})`;
  }
  // The same one-line title the step-started event carries.
  const title = redactor.mask(renderTitle(step.title, stepId, scope));
  const event: ConfirmationRequested = {
    type: 'confirmation-requested', stepId, title,
    command: redactor.mask(command),
    question: fill(step.confirm) ?? `Run '${title}'?`,
    risk: step.risk ?? 'normal',
    resumed: context.resumedStep === stepId,
    ...(where ? { target: redactor.mask(where) } : {}),
    ...(step.description ? { description: step.description } : {}),
    ...(step.blast_radius ? { blastRadius: fill(step.blast_radius)! } : {}),
  };
  return { stepId, askedAt: Date.now(), event };
}
