// `--approve <step-id>` (and `--skip <step-id>`) names a gate before anything runs: a misspelled id would otherwise be noticed only when
// the run stops at the gate it was meant for, after every step before it ran. A step of a called runbook is
// named `<calling-step>/<step>`, as its events are (engine/called-run.ts), to any depth.
import type { Runbook } from '../language/runbook.js';
import type { StepDoc } from '../language/schema.js';
import { readRunbook } from '../language/runbook.js';
import { resolveCalled } from '../catalog/called-runbooks.js';
import { closest } from '../language/suggest.js';
import { UserError } from '../common/errors.js';

const MAX_DEPTH = 5;

/** Every step id --approve can name in this runbook: its own steps, and `<call>/<id>` for the called ones. */
export function approvableIds(runbook: Runbook, depth = 0): string[] {
  const ids: string[] = [];
  for (const step of runbook.doc.steps) {
    ids.push(step.id);
    if (!step.runbook || depth >= MAX_DEPTH) continue;
    const file = resolveCalled(step.runbook.name, runbook.file);
    const callee = file ? readRunbook(file).runbook : undefined;
    if (callee) ids.push(...approvableIds(callee, depth + 1).map((id) => `${step.id}/${id}`));
  }
  return ids;
}

/** Throws a usage error (exit 2) naming each --approve id that is no step, with the closest one. --skip takes
 *  any step, so its guess and its hint are over every step rather than the destructive ones. */
export function checkApproveIds(runbook: Runbook, approve: readonly string[], flag: '--approve' | '--skip' = '--approve'): void {
  if (approve.length === 0) return;
  const ids = approvableIds(runbook);
  const known = new Set(ids);
  const gated = flag === '--skip' ? new Set<string>() : new Set(ids.filter((id) => isDestructive(runbook, id)));
  const problems = approve.filter((id) => !known.has(id)).map((id) => {
    const guess = closest(id, [...gated].length ? [...gated] : ids) ?? closest(id, ids);
    return `${flag} ${id}: runbook '${runbook.doc.name}' has no step '${id}'${guess ? ` — did you mean '${guess}'?` : ''}` + hint(flag, gated);
  });
  // An end step ends the run: there is nothing to skip, and no skip route to take.
  if (flag === '--skip') problems.push(...approve.filter((id) => known.has(id) && stepAt(runbook, id)?.end !== undefined)
    .map((id) => `--skip ${id}: step '${id}' of runbook '${runbook.doc.name}' is an end step, which cannot be skipped`));
  if (problems.length) throw new UserError(problems.join('\n'));
}

function hint(flag: string, gated: ReadonlySet<string>): string {
  if (flag === '--skip') return '';
  return gated.size ? ` (its destructive steps: ${[...gated].join(', ')})` : ' (it has no destructive step)';
}

const isDestructive = (runbook: Runbook, id: string): boolean => stepAt(runbook, id)?.destructive === true;

/** The step an id names, in this runbook or (`call/step`) a called one. */
function stepAt(runbook: Runbook, id: string): StepDoc | undefined {
  const [head, ...rest] = id.split('/');
  const step = runbook.doc.steps.find((s) => s.id === head);
  if (!step || rest.length === 0) return step;
  const file = step.runbook ? resolveCalled(step.runbook.name, runbook.file) : undefined;
  const callee = file ? readRunbook(file).runbook : undefined;
  return callee ? stepAt(callee, rest.join('/')) : undefined;
}
