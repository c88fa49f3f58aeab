// Views that take the place of the frame's body while open, each a list of rows the operator scrolls: the keys,
// the whole confirmation (when it does not fit), the evidence behind a gate (earlier results and output, newest
// first), a manual step's whole instructions, and the results of finished steps (a list; Enter shows one).
// None of them answers anything: the gate's keys work only on the gate itself.
import type { ConfirmationRequested } from '../../engine/events.js';
import { KEYS } from '../focus.js';
import { gateSettings, gateTarget, plural, tableLines, oneLine } from '../format.js';
import { gateItemLines } from '../gate-items.js';
import { markdownLines } from '../markdown.js';
import { stepStatus } from '../step-status.js';
import type { StepView, ViewModel } from '../view-model.js';
import { wrapText } from '../wrap.js';
import { exactText, wrapParagraph } from '../visible-text.js';
import { valueRows } from './gate.js';
import { cell, dim, fit, seg, type Row } from './row.js';
import { expandedRows, tableWindow } from './table-window.js';
import { drawnExactly } from '../gate-exact.js';
import { commandBody } from '../command-body.js';

export interface PageContent { title: string; lines: Row[]; back: string }

export function helpPage(width: number): PageContent {
  const lines = KEYS.flatMap(([k, what]) => wrapText(what, Math.max(10, width - 22)).map((l, i): Row => [seg(cell(i === 0 ? k : '', 22), { bold: true }), seg(l)]));
  return { title: 'keys', back: '? or Esc: close', lines };
}

/** The head and a title that may be a capture's: its further rows under the title, never at the left edge, where
 *  only the engine's labels stand. */
const titleRows = (head: string, title: string, width: number): Row[] =>
  wrapParagraph(title, Math.max(1, width - head.length)).map((l, i) => [seg(i === 0 ? head : ' '.repeat(head.length), { bold: true }), seg(l, { bold: true })]);

/** Every character of the gate, wrapped to the width (visible-text.ts): nothing here is cut. */
export function confirmationPage(gate: ConfirmationRequested, width: number, ascii = false): PageContent {
  const value = Math.max(1, width - 10);
  const field = (label: string, text: string, tone?: Row[number]['tone'], prose = false, exact: boolean | 'drawn' = false, lines = true): Row[] =>
    valueRows(text, value, tone, prose, exact, lines, ascii).rows.map((l, i) => [seg(cell(i === 0 ? label : '', 10), { tone: 'dim' }), ...l]);
  const lines: Row[] = [
    ...titleRows(`${gate.risk === 'high' ? 'CONFIRM (HIGH RISK)' : 'CONFIRM'}  `, `${gate.stepId}${gate.title !== gate.stepId ? ` · ${gate.title}` : ''}`, width),
    ...field('will run', commandBody(gate.command), 'active', false, true),
    ...(gate.target ? field('on', gateTarget(gate)!, undefined, false, true, false) : []),
    ...gateSettings(gate).flatMap((s) => field(s.label, s.value, undefined, false, drawnExactly(s.label), !drawnExactly(s.label))), // one value each
    ...(gate.description ? field('why', gate.description.trim(), undefined, true) : []),
    ...(gate.blastRadius ? field('affects', gate.blastRadius, undefined, true) : []),
    ...(gate.items ? field('for each', gateItemLines(gate.items.map((i) => ({ label: exactText(i.label, ascii), detail: exactText(i.detail, ascii) })), gate.itemsDone, Infinity).join('\n'), undefined, false, 'drawn') : []), // wrapped as command text
    [], ...field('asks', gate.question, undefined, true).map((r) => r.map((x, i) => (i === 0 ? x : { ...x, bold: true }))),
  ];
  return { title: `the whole confirmation of ${gate.stepId}`, back: 'Esc, c or F2: back to the confirmation to answer it', lines };
}

/** Every finished step's evidence: first the steps the gate acts on (its evidence), then the rest newest first
 *  (the gate's own step excluded). */
export function evidencePage(vm: ViewModel, width: number): PageContent {
  const named = vm.gate?.evidence ?? [];
  const rank = (id: string) => (named.includes(id) ? named.indexOf(id) : named.length);
  const shown = finishedSteps(vm).filter((s) => s.id !== vm.gate?.stepId && hasEvidence(vm, s)).reverse()
    .map((s, i) => ({ s, i })).sort((a, b) => rank(a.s.id) - rank(b.s.id) || a.i - b.i).map(({ s }) => s);
  const lines = shown.flatMap((s, i) => [...(i ? [[] as Row] : []), ...stepEvidence(vm, s, width)]);
  return { title: `evidence before ${vm.gate?.stepId ?? 'this step'}: ${named.length ? 'what it acts on first, then ' : ''}earlier results and output, newest first`, back: 'Esc, e or F3: back', lines: lines.length ? lines : [dim('no earlier step has output or a result')] };
}

/** How a result is looked at in the `r` view: from which column, or every cell in full (expanded). */
export interface TableView { col: number; expanded: boolean }

export function stepPage(vm: ViewModel, stepId: string, width: number, back: string, view?: TableView): PageContent {
  const step = vm.steps.find((s) => s.id === stepId);
  if (!step) return { title: `result of ${stepId}`, back, lines: [dim('no such step')] };
  const r = step.result;
  if (!view || !(r?.columns?.length || r?.rows?.length)) return { title: `result of ${stepId}`, back, lines: stepEvidence(vm, step, width) };
  // A table: a window of its columns (←/→), or every cell in full (x); the title says which columns are shown.
  const rest = stepEvidence(vm, { ...step, result: { ...r, columns: [], rows: [] } }, width).slice(1).filter((l) => l.map((x) => x.text).join('') !== '(no output, no result rows)');
  if (view.expanded) {
    return { title: `result of ${stepId}: every cell in full`, back: `x: back to the table · ${back}`, lines: [...expandedRows(r.columns ?? [], r.rows ?? [], width), ...rest] };
  }
  const t = tableWindow(r.columns ?? [], r.rows ?? [], r.rowCount, view.col, width);
  const where = t.total > 1 ? `columns ${t.first + 1}–${t.last + 1} of ${t.total}` : `${plural(t.total, 'column')}`;
  const keys = [t.first > 0 || t.last < t.total - 1 ? '←→ columns' : '', 'x every cell in full'].filter(Boolean).join(' · ');
  return { title: `result of ${stepId}: ${where} · ${keys}`, back, lines: [...t.rows, ...rest] };
}

export function instructionsPage(stepId: string, instructions: string, width: number): PageContent {
  const lines = markdownLines(instructions).flatMap((segs) => wrapText(segs.map((s) => s.text).join(''), width).map((l) => [seg(l)]));
  return { title: `instructions of ${stepId}`, back: 'Esc or i: back to the question to answer it', lines };
}

/** A step's rows: its name and status, its SQL result (every row the view holds), its output. */
export function stepEvidence(vm: ViewModel, s: StepView, width: number): Row[] {
  const status = stepStatus(s, vm.finishedAt ?? Date.now(), vm.finished !== undefined);
  // The status before the title: a title (a captured value may make it) that filled the row cut the status off
  // and its own "✓ ok" stood in its place (a probe of stop 69).
  const rows: Row[] = [[seg(`── ${s.id} `, { bold: true }), seg(`${status.icon} ${status.text}`, { tone: status.tone }), seg(s.title !== s.id ? ` · ${oneLine(s.title)}` : '', { bold: true })]];
  const r = s.result;
  if (r?.columns?.length || r?.rows?.length) {
    rows.push(...tableLines(r.columns ?? [], r.rows ?? [], r.rowCount, { maxRows: r.rows?.length ?? 0, maxCellWidth: 60, maxWidth: width }).map((l) => [seg(l)]));
  }
  const output = vm.output.filter((l) => l.stepId === s.id);
  if (output.length) rows.push(dim(`output (${plural(output.length, 'line')})`), ...output.map((l) => [seg('│ ', { tone: 'dim' }), seg(l.text, { tone: l.stream === 'stderr' ? 'bad' : undefined })]));
  if (r?.error) rows.push([seg(`error: ${r.error}`, { tone: 'bad' })]);
  if (rows.length === 1) rows.push(dim('(no output, no result rows)'));
  return rows.map((x) => fit(x, width));
}

/** Steps that ran and ended (a result or output to show), in the order they ran. */
export function finishedSteps(vm: ViewModel): StepView[] {
  const done = new Set(['ok', 'failed', 'timeout', 'aborted']);
  return vm.steps.filter((s) => done.has(s.state) && s.startedAt !== undefined).sort((a, b) => a.startedAt! - b.startedAt!);
}

export function hasEvidence(vm: ViewModel, s: StepView): boolean {
  return Boolean(s.result?.columns?.length || s.result?.rows?.length || s.result?.error) || vm.output.some((l) => l.stepId === s.id);
}

/** The results list: one row per finished step, the selected one marked. */
export function resultsRows(vm: ViewModel, selected: number, width: number): Row[] {
  const steps = finishedSteps(vm);
  if (!steps.length) return [dim('no step has finished yet')];
  return steps.map((s, i) => {
    const status = stepStatus(s, 0, vm.finished !== undefined);
    const lines = vm.output.filter((l) => l.stepId === s.id).length;
    const what = [s.result?.rowCount !== undefined || s.result?.rows ? plural(s.result.rowCount ?? s.result.rows?.length ?? 0, 'row') : '', lines ? plural(lines, 'line') + ' of output' : ''].filter(Boolean).join(', ');
    return fit([seg(i === selected ? '› ' : '  ', { inverse: i === selected }), seg(`${status.icon} `, { tone: status.tone }), seg(s.id, { bold: i === selected }),
      seg(`  ${status.text}${what ? ` · ${what}` : ''}`, { tone: 'dim' }), seg(s.title !== s.id ? ` · ${oneLine(s.title)}` : '')], width);
  });
}

/** A page in `height` rows: its title, the lines from `scroll`, and a footer with the keys and the position. */
export function pageRows(page: PageContent, scroll: number, height: number, width: number): Row[] {
  const body = Math.max(0, height - 2);
  const top = Math.min(Math.max(0, scroll), Math.max(0, page.lines.length - body));
  const end = Math.min(page.lines.length, top + body);
  const where = page.lines.length > body ? `lines ${top + 1}–${end} of ${page.lines.length} · ↑↓ PgUp PgDn to scroll · ` : '';
  return [
    fit([seg(page.title, { tone: 'accent', bold: true })], width),
    ...page.lines.slice(top, end).map((l) => fit(l, width)),
    fit([seg(`${where}${page.back}`, { tone: 'dim' })], width),
  ].slice(0, Math.max(0, height));
}

/** The furthest a page scrolls with `height` rows. */
export const pageMax = (page: PageContent, height: number): number => Math.max(0, page.lines.length - Math.max(0, height - 2));
