// The step list: one row per step (status icon, id, title, kind, status and where the run went), in runbook
// order; given fewer rows than steps, a window around the current step with the rest counted. Columns are cut
// to the terminal's width, never wrapped: from 60 columns down the title and kind give way to the status.
import { displayWidth } from '../../common/display-width.js';
import { branchTarget, plural } from '../format.js';
import { stepStatus } from '../step-status.js';
import type { StepView, ViewModel } from '../view-model.js';
import { cell, fit, seg, type Row } from './row.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const KIND_WIDTH = 8;
/** Below this many columns a row is icon, id and status only. */
export const NARROW = 60;

export interface StepColumns { id: number; title: number; kind: number }

/** Column widths for this terminal: the title takes what the others leave, up to the longest title. */
export function stepColumns(steps: StepView[], width: number): StepColumns {
  const id = Math.min(24, Math.max(4, ...steps.map((s) => displayWidth(s.id)))) + 1;
  if (width < NARROW) return { id: Math.min(id, Math.max(5, Math.floor(width / 2))), title: 0, kind: 0 };
  const longest = Math.max(0, ...steps.map((s) => (s.title !== s.id ? displayWidth(s.title) : 0)));
  // The status keeps at least 24 columns ('running 12s, attempt 2', 'ok 1.2s  → next-step').
  const title = Math.min(longest + 1, Math.max(10, width - 2 - id - KIND_WIDTH - 24));
  return { id, title, kind: KIND_WIDTH };
}

export function stepRow(step: StepView, vm: ViewModel, now: number, cols: StepColumns, width: number, waiting: boolean): Row {
  const status = stepStatus(step, now, vm.finished !== undefined, waiting);
  const icon = status.spinning ? SPINNER[Math.floor(now / 1000) % SPINNER.length]! : status.icon;
  const current = step.id === vm.currentStepId;
  const branch = step.branch && step.state !== 'running' ? `  → ${branchTarget(step.branch.to)}` : '';
  const r: Row = [seg(`${cell(icon, 1)} `, { tone: status.tone }), seg(cell(step.id, cols.id - 1), { bold: current }), seg(' ')];
  if (cols.title) r.push(seg(cell(step.title !== step.id ? step.title : '', cols.title - 1), { tone: 'dim' }), seg(' '));
  if (cols.kind) r.push(seg(cell(`${step.kind ?? ''}${step.destructive ? '!' : ''}`, cols.kind), { tone: 'dim' }));
  r.push(seg(status.text, { tone: status.tone }), ...(branch ? [seg(branch, { tone: 'dim' })] : []));
  return trimEnd(fit(r, width));
}

/** At most `max` rows: every step, or a window around the current one with "… N earlier/more steps". */
export function stepListRows(vm: ViewModel, now: number, width: number, max: number, cols = stepColumns(vm.steps, width)): Row[] {
  const waitingOn = new Set(vm.questions.map((q) => q.question.stepId));
  const total = vm.steps.length;
  const current = Math.max(0, vm.steps.findIndex((s) => s.id === vm.currentStepId));
  const { start, end } = stepWindow(total, current, max);
  const rows = vm.steps.slice(start, end).map((s) => stepRow(s, vm, now, cols, width, waitingOn.has(s.id)));
  if (max >= 3 && start > 0) rows.unshift([seg(`  … ${plural(start, 'earlier step')}`, { tone: 'dim' })]);
  if (max >= 3 && end < total) rows.push([seg(`  … ${plural(total - end, 'more step')}`, { tone: 'dim' })]);
  return rows.map((r) => fit(r, width));
}

/** Steps [start, end) to show in `max` rows so that `current` is one of them. From 3 rows on, the "… earlier" and
 *  "… more" rows count (stepListRows adds them); below that the rows are steps alone. */
export function stepWindow(total: number, current: number, max: number): { start: number; end: number } {
  if (total <= max) return { start: 0, end: total };
  const room = max < 3 ? Math.max(0, max) : max - 2;
  let start = Math.min(Math.max(0, current - Math.floor((room - 1) / 2)), total - room);
  let end = start + room;
  if (max >= 3 && start === 0) end += 1;                        // no "… earlier" row
  else if (max >= 3 && end === total) start -= 1;               // no "… more" row
  return { start, end };
}

function trimEnd(r: Row): Row {
  const last = r[r.length - 1];
  if (last) last.text = last.text.trimEnd();
  return r;
}
