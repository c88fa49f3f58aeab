// The list a for_each step goes through, worked out once: each item's value, the one-line label the operator
// sees, and what exactly the step will be given for it. The gate shows this list and the step acts on exactly
// this list (engine/run.ts hands the approved one to the runner); nothing re-reads the source after approval.
import type { StepResult } from '../executors/types.js';
import type { Scope, Taint } from '../language/expression/index.js';
import { SECRET_ROUTE } from './secret-route.js';
import { evaluateFlow, parseExpression, templateString } from '../language/expression/index.js';
import { DEFAULT_MAX_ITEMS, type RunbookDoc, type StepDoc } from '../language/schema.js';
import { loopExpression, loopVar } from '../language/sites.js';
import type { ItemOutcome, LoopItem, MachineContext } from './machine-types.js';
import { prepareStep, type Prepared } from './prepare.js';
import { itemSettings } from './item-settings.js';
import { renderShown } from './render.js';
import { shellQuote } from '../common/shell-quote.js';
import { scopeOf } from './scope.js';
import { plural } from '../common/plural.js';
import { markSecretVars, recordedResult } from '../secrets/step-taint.js';
import { MASK } from '../secrets/redactor.js';

export type { ItemOutcome, LoopItem, ResumedLoop } from './machine-types.js';

/** A list that cannot be acted on: the step fails with this message before anything runs. */
export class LoopError extends Error {}

const MAX_LABEL = 200;

export interface LoopPlan { items: LoopItem[]; prepared: Prepared[] }

/** The items still to run, each prepared as the executor will get it: nothing runs unless every item can be.
 *  The gate shows this plan; the step re-prepares the approved items from the same values. */
export function loopPlan(doc: RunbookDoc, step: StepDoc, context: MachineContext, approved?: LoopItem[], taint?: Taint): LoopPlan {
  const items = approved ?? loopItems(doc, step, context, taint);
  return { items, prepared: items.map((item) => prepareItem(doc, step, context, item, taint)) };
}

/** A destructive for_each with nothing to approve: an empty list, or one that cannot be acted on (the step
 *  then fails saying why). Either way it goes straight to the step runner, which acts only on approved items. */
export function loopNeedsNoGate(doc: RunbookDoc, step: StepDoc, context: MachineContext, taint?: Taint): boolean {
  try {
    // With the run's taint: a list a secret chose is refused by the runner, never put to a gate.
    return loopPlan(doc, step, context, undefined, taint).items.length === 0;
  } catch {
    return true;
  }
}

/** The scope one item runs in: the run's data plus the item under its name. `taint` (secrets/taint.ts) keeps
 *  values derived from a secret secret; the gate and the runner always pass it. */
export function itemScope(context: MachineContext, step: StepDoc, value: unknown, taint?: Taint, secret = false): Scope {
  const scope = scopeOf(context, undefined, taint);
  scope[loopVar(step.for_each!)] = value;
  if (secret) markSecretVars(scope, [loopVar(step.for_each!)]);
  return scope;
}

/** The items still to run, each checked to render: a list that is not a list, is longer than max_items, or
 *  has an item the step cannot be prepared for throws LoopError. */
export function loopItems(doc: RunbookDoc, step: StepDoc, context: MachineContext, taint?: Taint): LoopItem[] {
  const resumed = context.resumedLoop;
  if (resumed?.stepId === step.id) return resumed.items.filter((i) => resumed.done[i.index] === undefined);
  const f = step.for_each!;
  let list: unknown;
  let secret = false;
  try {
    ({ value: list, tainted: secret } = evaluateFlow(parseExpression(loopExpression(f.in)), scopeOf(context, undefined, taint)));
  } catch (e) {
    throw new LoopError(`for_each.in '${f.in}' cannot be evaluated: ${(e as Error).message}`);
  }
  // How many items a loop goes through, and which of them failed, is shown: a list a secret chose is a route it spells.
  if (secret) throw new LoopError(`for_each.in '${f.in}' is not a list to go through: ${SECRET_ROUTE}`);
  if (!Array.isArray(list)) throw new LoopError(`for_each.in '${f.in}' is ${describe(list, secret)}, not a list`);
  const max = f.max_items ?? DEFAULT_MAX_ITEMS;
  if (list.length > max) {
    throw new LoopError(`for_each.in '${f.in}' has ${plural(list.length, 'item')}, more than max_items (${max}); nothing was run`);
  }
  const items: LoopItem[] = list.map((value, index) => ({ index, value, label: '', ...(secret ? { secret } : {}) }));
  for (const item of items) item.label = labelOf(step, context, item, taint);
  return items;
}

/** What the step is given for one item: prepared from the item's scope. */
export function prepareItem(doc: RunbookDoc, step: StepDoc, context: MachineContext, item: LoopItem, taint?: Taint): Prepared {
  try {
    return prepareStep(doc, step, itemScope(context, step, item.value, taint, item.secret));
  } catch (e) {
    throw new LoopError(`item ${item.index + 1} (${item.label}): ${(e as Error).message}`);
  }
}

/** What each item is given, as the executor receives it: a SQL step's params; for a script, the values that
 *  differ from item to item (a script's values repeat per `${{ }}` hole and hold the run's constants too). */
export function itemDetails(prepared: Prepared[], items?: LoopItem[]): string[] {
  const varying = (j: number) => prepared.length === 1 || prepared.some((p) => shellValues(p)[j] !== shellValues(prepared[0]!)[j]);
  const settings = itemSettings(prepared);
  const detail = (p: Prepared, i: number): string => {
    const a = p.action;
    if (items?.[i]?.secret) return a.kind === 'sql' ? `params ${MASK}` : a.kind === 'shell' ? `values ${MASK}` : MASK;
    if (a.kind === 'sql') return `params ${JSON.stringify(a.params)}`;
    if (a.kind !== 'shell') return p.command;
    const shown = [...new Set(a.values.filter((_, j) => varying(j)))];
    return shown.length ? `values ${shown.map(shellQuote).join(' ')}` : 'no values';
  };
  // What differs between items besides the command's values (where, env, directory): the gate shows item 1's.
  return prepared.map((p, i) => `${detail(p, i)}${settings[i]!}`);
}

const shellValues = (p: Prepared): string[] => (p.action.kind === 'shell' ? p.action.values : []);

function labelOf(step: StepDoc, context: MachineContext, item: LoopItem, taint?: Taint): string {
  const template = step.for_each!.label;
  let text: string;
  if (template === undefined) text = item.secret ? MASK : defaultLabel(item.value);
  else {
    try {
      text = renderShown(template, itemScope(context, step, item.value, taint, item.secret));
    } catch (e) {
      throw new LoopError(`item ${item.index + 1}: for_each.label cannot be filled in: ${(e as Error).message}`);
    }
  }
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > MAX_LABEL ? `${line.slice(0, MAX_LABEL - 1)}…` : line || `item ${item.index + 1}`;
}

/** An item's fields (`pid=42 user=app`), or the value itself. */
export function defaultLabel(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${templateString(v)}`).join(' ');
  }
  return templateString(value);
}

/** `secret`: a value a secret flowed into is quoted as the mask (a piece of a PIN is no value the redactor knows). */
function describe(v: unknown, secret: boolean): string {
  if (v === undefined || v === null) return 'empty (no value: did the step that gives it run?)';
  if (secret) return `a ${typeof v} (${MASK})`;
  const text = templateString(v);
  return `a ${typeof v} (${text.length > 40 ? `${text.slice(0, 39)}…` : text})`; // '…': the redactor masks a secret cut here
}

/** The result of the whole step from its items: ok only if every item is ok, with counts. */
export function loopResult(outcomes: ItemOutcome[], total: number, durationMs: number): StepResult {
  const count = (s: string) => outcomes.filter((o) => o.result.status === s).length;
  const ok = count('ok');
  const aborted = count('aborted');
  const failedItems = outcomes.filter((o) => o.result.status !== 'ok' && o.result.status !== 'skipped');
  const notRun = total - outcomes.length;
  // What an item given a secret returned is not in the table (its record says what was withheld).
  const rows = outcomes.map((o) => {
    const shown = recordedResult(o.result);
    return { '#': o.index + 1, item: o.label, status: o.result.status, result: brief(shown), error: shown.error ?? '' };
  });
  const details = { items: total, ok, failed: failedItems.length - aborted, aborted, notRun };
  const first = failedItems[0];
  const status: StepResult['status'] = aborted ? 'aborted' : failedItems.length ? (failedItems.every((o) => o.result.status === 'timeout') ? 'timeout' : 'failed') : 'ok';
  const result: StepResult = {
    status, durationMs, rows, rowCount: rows.length, columns: ['#', 'item', 'status', 'result', 'error'], details,
    items: outcomes.map((o) => ({ index: o.index, label: o.label, ...o.result })),
  };
  // An item given a secret makes the items a flow of it (expressions reading steps.<id>.items are tainted).
  const because = [...new Set(outcomes.flatMap((o) => o.result.withheld?.because ?? []))];
  if (because.length) result.withheld = { because };
  if (first) {
    result.error = `${failedItems.length} of ${plural(total, 'item')} ${aborted ? 'did not finish' : 'failed'}${notRun ? ` (${notRun} not run)` : ''}; first: ${first.label}: ${recordedResult(first.result).error ?? first.result.status}`;
    if (first.result.classification) result.classification = first.result.classification;
  }
  return result;
}

function brief(r: StepResult): string {
  if (r.exitCode !== undefined && r.exitCode !== null) return `exit ${r.exitCode}`;
  if (r.rowCount !== undefined) return plural(r.rowCount, 'row');
  if (r.classification) return r.classification;
  return r.value ?? '';
}
