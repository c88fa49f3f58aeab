// A skipped gate that reaches `end: resolved` unchecked: the operator declined the fix, no `on: { skipped: … }`
// says where that leads, and the run drifts on — through steps that look at nothing — to an ending that says the
// incident is resolved. The author routed the skip nowhere on purpose rarely; an explicit `skipped` key (even one
// leading to a resolved ending) is a decision and is not warned about.
import type { RunbookDoc, StepDoc } from '../schema.js';
import { edgesOf, FALL_OFF, stepKind } from '../flow.js';
import { neverTaken, routingKey } from '../results.js';
import type { Reporter } from './context.js';

const SKIPPED = { status: 'skipped', value: 'skipped by operator' };

export function checkGateSkips(doc: RunbookDoc, report: Reporter): void {
  const ids = new Map(doc.steps.map((s, i) => [s.id, i]));
  doc.steps.forEach((step, i) => {
    if (step.destructive !== true || stepKind(step) === 'end' || routingKey(step, SKIPPED) !== undefined) return;
    // Where the skipped result goes: a `next` branch or the fall-through (the routes `on` does not take).
    const first = edgesOf(doc, i).filter((e) => e.via !== 'on').map((e) => ids.get(e.to)).filter((j): j is number => j !== undefined);
    const end = resolvedUnchecked(doc, first, ids);
    if (end === undefined) return;
    const via = end.path.length > 1 ? ` (through ${end.path.slice(0, -1).map((j) => `'${doc.steps[j]!.id}'`).join(', ')})` : '';
    report.warn('gate-skipped-to-resolved', `/steps/${i}/destructive`,
      `if the operator skips '${step.id}' at its gate, the run goes on to '${doc.steps[end.at]!.id}'${via} and ends resolved with nothing checked: `
      + `route the skip (on: { skipped: <an escalate end> }) or check the outcome in a step before '${doc.steps[end.at]!.id}'`, 'key');
  });
}

/** The first `end: resolved` reachable from `start` through steps that check nothing, with the path there. */
function resolvedUnchecked(doc: RunbookDoc, start: number[], ids: Map<string, number>): { at: number; path: number[] } | undefined {
  const todo = start.map((j) => [j]);
  const seen = new Set(start);
  while (todo.length) {
    const path = todo.shift()!;
    const at = path[path.length - 1]!;
    const step = doc.steps[at]!;
    if (stepKind(step) === 'end') {
      if (step.end === 'resolved') return { at, path };
      continue;
    }
    if (checks(step)) continue;
    for (const e of edgesOf(doc, at)) {
      const j = e.to === FALL_OFF ? undefined : ids.get(e.to);
      if (j === undefined || seen.has(j) || (e.via === 'on' ? neverTaken(step, e.label) : neverTaken(step))) continue;
      seen.add(j);
      todo.push([...path, j]);
    }
  }
  return undefined;
}

/** A step whose result can change how the run ends: anything that runs a command, a query, a probe or another
 *  runbook (it can fail or branch), and a question whose answer routes. A vars step, or a manual step whose answer
 *  goes one way, checks nothing. */
function checks(step: StepDoc): boolean {
  const kind = stepKind(step);
  if (kind === 'vars') return false;
  if (kind === 'manual' || kind === 'prompt') return step.on !== undefined || Array.isArray(step.next);
  return true;
}
