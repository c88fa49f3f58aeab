// What the operator is shown before a destructive step: exactly what will run, where, why, and how much.
import { maskUrl } from '../db/url.js';
import { stepById } from '../language/flow.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import type { ConfirmationRequested, GateItem } from './events.js';
import type { LoopItem, MachineContext } from './machine-types.js';
import { itemDetail, loopPlan } from './loop.js';
import { prepareStep, type Prepared } from './prepare.js';
import { renderTemplate, renderTitle } from './render.js';
import { scopeOf } from './scope.js';

/** items: a for_each's list as the gate showed it; an approval covers exactly these (engine/run.ts). */
export interface PendingGate { stepId: string; askedAt: number; event: ConfirmationRequested; items?: LoopItem[] }

export function describeGate(doc: RunbookDoc, stepId: string, context: MachineContext, redactor: Redactor, target?: string): PendingGate {
  const step = stepById(doc, stepId)!;
  const scope = scopeOf(context);
  const fill = (t: string | undefined) => {
    if (t === undefined) return undefined;
    try { return redactor.mask(renderTemplate(t, scope)); } catch (e) { return `${t} (${(e as Error).message})`; }
  };
  let command: string;
  let where = target;
  let loop: GateLoop | undefined;
  try {
    loop = step.for_each ? gateLoop(doc, step, context) : undefined;
    const prepared = loop ? loop.first : prepareStep(doc, step, scope);
    command = loop ? `${prepared.command}\n-- for each of the ${loop.items.length} items below (shown for item 1)` : prepared.command;
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
    ...(loop ? { items: loop.shown.map((i) => ({ label: redactor.mask(i.label), detail: redactor.mask(i.detail) })) } : {}),
    ...(loop && loop.done ? { itemsDone: loop.done } : {}),
  };
  return { stepId, askedAt: Date.now(), event, ...(loop ? { items: loop.items } : {}) };
}

interface GateLoop { items: LoopItem[]; first: Prepared; shown: GateItem[]; done: number }

/** The for_each list the gate asks about. The machine only gates a list that is non-empty and can be acted on. */
function gateLoop(doc: RunbookDoc, step: StepDoc, context: MachineContext): GateLoop {
  const plan = loopPlan(doc, step, context);
  const resumed = context.resumedLoop?.stepId === step.id ? context.resumedLoop : undefined;
  return {
    items: plan.items, first: plan.prepared[0]!,
    shown: plan.items.map((item, i) => ({ label: item.label, detail: itemDetail(plan.prepared[i]!) })),
    done: resumed ? Object.keys(resumed.done).length : 0,
  };
}
