// The header: which runbook, its state (running and the elapsed time, waiting since when, or the outcome),
// then the target, the transcript, a resume and a notice, one row each (a notice of several lines: a row per
// line). The title gives way to the state.
import { formatClock, formatDuration } from '../format.js';
import type { ViewModel } from '../view-model.js';
import { fit, rowWidth, seg, type Row } from './row.js';

const OUTCOME_TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad', interrupted: 'warn' } as const;

/** waitingSince: a gate or question waits for the operator (the clock is stopped): shown as a time of day.
 *  transcript: the path (cut here; the final record prints it whole). */
export interface HeaderInput { vm: ViewModel; now: number; width: number; waitingSince?: number | undefined; transcriptPath?: string | undefined; notice?: string | undefined }

export function headerRows({ vm, now, width, waitingSince, transcriptPath, notice }: HeaderInput): Row[] {
  const elapsed = vm.startedAt !== undefined ? formatClock((vm.finishedAt ?? now) - vm.startedAt) : '0:00';
  const outcome = vm.finished?.outcome;
  // Plain digits: a clock glyph is two columns wide in some terminals and one in others.
  // A dry run says so in the state, which the title gives way to: after the title, a long title cut it off, and a
  // title ending in `(name)  DRY RUN` and spaces made a real run look dry (a probe of stop 71). Inverse, as an
  // outcome: no title draws that.
  const dry: Row = vm.dryRun ? [seg(' DRY RUN ', { tone: 'warn', bold: true, inverse: true }), seg(' ')] : [];
  const state: Row = outcome
    ? [...dry, seg(` ${outcome.toUpperCase()} `, { tone: OUTCOME_TONE[outcome], bold: true, inverse: true }), seg(`  ${elapsed}`)]
    : vm.applicationCheck ? [...dry, seg(`  checking the application (${formatDuration(vm.applicationCheck.holdMs)})`, { tone: 'active' }), seg(`  ${elapsed}`)]
    : waitingSince !== undefined ? [...dry, seg(`  waiting since ${timeOfDay(waitingSince)}`, { tone: 'warn' })]
    : [...dry, seg('  running', { tone: 'active' }), seg(`  ${elapsed}`)];
  const title: Row = [seg('runbook', { tone: 'accent', bold: true }), seg(' '), seg(vm.title || vm.name || '', { bold: true }),
    ...(vm.name ? [seg(` (${vm.name})`, { tone: 'dim' })] : [])];
  const room = Math.max(0, width - rowWidth(state));
  const left = fit(title, room);
  const rows: Row[] = [[...left, seg(' '.repeat(Math.max(0, room - rowWidth(left)))), ...state]];
  if (vm.target) rows.push([seg('target     ', { tone: 'dim' }), seg(vm.target)]);
  if (transcriptPath) rows.push([seg('transcript ', { tone: 'dim' }), seg(transcriptPath)]);
  if (vm.resumedFrom) rows.push([seg(`resumed at step '${vm.resumedFrom}'`, { tone: 'warn' })]);
  if (notice) for (const line of notice.split('\n')) rows.push([seg(line, { tone: 'warn' })]);
  return rows.map((r) => fit(r, width));
}

/** HH:MM:SS, local time. */
const timeOfDay = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
