// The record left in the terminal when the run ends, printed once as plain lines after the live view closes (so
// it scrolls like any output and the shell prompt starts on a fresh line): the header with the outcome, every
// step with its final status, the route out of the last step, then the outcome and message, every visit of a
// destructive step that ran or was answered with who confirmed it, the notes count and the transcript path, whole.
import { dryRunPlan } from '../dry-run-plan.js';
import { formatDuration, oneLine, plural, truncate } from '../format.js';
import { stepStatus } from '../step-status.js';
import { destructiveVisits, visitView } from '../step-visits.js';
import type { ViewModel } from '../view-model.js';
import { hardWrap, wrapText } from '../wrap.js';
import { branchRow } from './current.js';
import { headerRows } from './header.js';
import { blank, fit, seg, type Row } from './row.js';
import { countsText } from '../../engine/step-counts.js';
import { stepColumns, stepRow } from './steps.js';

const TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad', interrupted: 'warn' } as const;

export function finalRecordRows(vm: ViewModel, width: number, transcriptPath?: string): Row[] {
  const f = vm.finished;
  if (!f) return [];
  const cols = stepColumns(vm.steps, width);
  const rows: Row[] = [
    // The transcript path is printed whole at the end, not cut here.
    ...headerRows({ vm, now: vm.finishedAt ?? 0, width }),
    blank,
    ...vm.steps.map((s) => stepRow(s, vm, 0, cols, width, false)),
    ...(vm.lastBranch ? [blank, fit(branchRow(vm.lastBranch), width)] : []),
    blank,
  ];
  // The message may hold a captured value (a status file, a row): on one line (⏎ for its breaks), and each row it
  // wraps onto marked ↪, so no text of it stands as a line of the record (a probe of stop 69 printed a whole
  // "RESOLVED" record under an escalated run's real one, and pushed the real one off the screen).
  const outcome = `${f.outcome} in ${formatDuration(f.durationMs)} (${countsText(f.steps)})${f.message ? `: ${oneLine(f.message)}` : ''}`;
  wrapText(outcome, Math.max(1, width - 2)).forEach((l, i) => rows.push(i === 0
    ? [seg(l.slice(0, f.outcome.length), { tone: TONE[f.outcome], bold: true }), seg(l.slice(f.outcome.length))]
    : [seg('↪ ', { tone: 'dim' }), seg(l)]));
  if (vm.dryRun) {
    dryRunPlan(vm.dryRunModes, vm.dryRunActions, f.outcome).forEach((l, i) => rows.push(fit([seg(i === 0 ? `dry run: ${l}` : `  ${l}`, { tone: i === 0 ? 'warn' : undefined })], width)));
  } else {
    rows.push(...destructiveRows(vm, width));
  }
  if (vm.notes.length) rows.push([seg(`${plural(vm.notes.length, 'note')} in the transcript`, { tone: 'dim' })]);
  // Wrapped, never cut: the operator copies this path into `runbook report` / `resume`.
  if (transcriptPath) rows.push(...hardWrap(`transcript ${transcriptPath}`, width).map((l) => [seg(l, { tone: 'dim' })]));
  return rows;
}

/** Who said yes, as the transcript and the report say it: a four-eyes step by the teammate who approved it (the
 *  driver could not), a break-glass one by the driver with the flag and its reason (a probe of stop 70: both
 *  read "confirmed by root"). */
function confirmedBy(c: NonNullable<ViewModel['steps'][number]['confirmation']>): string {
  if (c.how === 'four-eyes' && c.approver) return `approved by ${c.approver} (four eyes; driver ${c.by})`;
  if (c.how === 'break-glass') return `BREAK GLASS by ${c.by}${c.reason ? ` (${truncate(oneLine(c.reason), 40)})` : ''}`;
  return `confirmed by ${c.by}`;
}

/** Every visit of a destructive step that ran its action or was answered at its gate, with its own result and who
 *  confirmed it: the record of what was done. "No destructive action taken" only when no visit ran its action. */
function destructiveRows(vm: ViewModel, width: number): Row[] {
  const visits = destructiveVisits(vm.steps);
  const rows: Row[] = visits.length ? [[seg('destructive steps:')]] : [];
  for (const v of visits) {
    const st = stepStatus(visitView(v), 0, true);
    const c = v.visit.confirmation;
    const by = c?.answer === 'yes' ? `${confirmedBy(c)}, ` : '';
    const which = v.step.visits > 1 ? `visit ${v.visit.visit}: ` : '';
    // The status and who confirmed first, the title last: a title (a captured value may make it) that filled the
    // row cut them off, and its own "ok (confirmed by alice)" stood in their place (a probe of stop 69).
    rows.push(fit([seg(`  ${st.icon} ${which}${by}${st.text}`, { tone: st.tone }), seg(` · ${oneLine(v.step.title)}`)], width));
  }
  if (!visits.some((v) => v.visit.ran)) rows.push([seg('no destructive action taken', { tone: 'dim' })]);
  return rows;
}
