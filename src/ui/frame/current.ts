// The step in focus while it runs: what it is, why it exists (its description), what it runs, where, and the
// route the run took into it with the reason. Given fewer rows, the least telling ones go first: the rest of
// the description, then the rest of the command; the step's name and the route stay.
import { plural } from '../format.js';
import type { BranchView, StepView } from '../view-model.js';
import { branchTarget, formatValue } from '../format.js';
import { wrapText } from '../wrap.js';
import { exactLine } from '../visible-text.js';
import { fit, seg, type Row } from './row.js';
import { need, type Part } from './budget.js';
import { commandBodyLines } from '../command-body.js';

const MAX_COMMAND_LINES = 3;

/** route: only the route into the step (a gate or question panel says the rest). */
export function currentPart(step: StepView | undefined, branch: (BranchView & { from: string }) | undefined, width: number, show: 'full' | 'route'): Part {
  const ranked: { row: Row; rank: number }[] = [];
  if (show === 'full' && !step) ranked.push({ row: [seg('starting…', { tone: 'dim' })], rank: 0 });
  else if (show === 'full' && step) {
    ranked.push({ row: [seg(step.id, { bold: true }), ...(step.title !== step.id ? [seg(` · ${step.title}`)] : [])], rank: 0 });
    const why = step.description ? wrapText(`why: ${step.description.trim()}`, width) : [];
    why.forEach((l, i) => ranked.push({ row: [seg(l, { tone: 'dim' })], rank: i === 0 ? 3 : 6 }));
    const command = (step.command === undefined ? [] : commandBodyLines(step.command));
    command.slice(0, MAX_COMMAND_LINES).forEach((l, i) => ranked.push({ row: [seg(`${i === 0 ? '$ ' : '  '}${exactLine(l)}`, { tone: 'active' })], rank: i === 0 ? 2 : 5 }));
    if (command.length > MAX_COMMAND_LINES) ranked.push({ row: [seg(`  … ${plural(command.length - MAX_COMMAND_LINES, 'more line')}`, { tone: 'dim' })], rank: 5 });
    if (step.where) ranked.push({ row: [seg(`on ${step.where}`, { tone: 'dim' })], rank: 4 });
  }
  if (branch) ranked.push({ row: branchRow(branch), rank: 1 });
  const soft = ranked.filter((r) => r.rank < 6).length;
  return {
    need: need(0, soft, ranked.length),
    rows: (n) => pick(ranked, n).map((r) => fit(r, width)),
  };
}

/** The n best-ranked rows, in their order. */
export function pick(ranked: { row: Row; rank: number }[], n: number): Row[] {
  const keep = new Set([...ranked.keys()].sort((a, b) => ranked[a]!.rank - ranked[b]!.rank || a - b).slice(0, Math.max(0, n)));
  return ranked.filter((_, i) => keep.has(i)).map((r) => r.row);
}

/** The route the run took out of a step, and why: the condition and what it evaluated to. */
export function branchRow(b: BranchView & { from: string }): Row {
  return [seg('→ ', { tone: 'accent' }), seg(`${b.from} → `), seg(branchTarget(b.to), { bold: true }), seg(`  ${why(b)}`, { tone: 'dim' })];
}

function why(b: BranchView): string {
  if (b.expression !== undefined) return `because ${b.expression} is ${formatValue(b.value)}`;
  if (b.via === 'on') return `on ${b.matched ?? 'the result'}`;
  if (b.via === 'failure') return 'because the step failed';
  if (b.via === 'next') return '(next)';
  return '(the following step)';
}
