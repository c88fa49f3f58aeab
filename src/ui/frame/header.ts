// The header: which runbook, its state (running and the elapsed time, waiting since when, or the outcome),
// then the target, the transcript, a resume and a notice, one row each (a notice of several lines: a row per
// line). The title gives way to the state.
import { formatClock } from '../format.js';
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
  const state: Row = outcome
    ? [seg(` ${outcome.toUpperCase()} `, { tone: OUTCOME_TONE[outcome], bold: true, inverse: true }), seg(`  ${elapsed}`)]
    : waitingSince !== undefined ? [seg(`  waiting since ${timeOfDay(waitingSince)}`, { tone: 'warn' })]
    : [seg('  running', { tone: 'active' }), seg(`  ${elapsed}`)];
  const title: Row = [seg('runbook', { tone: 'accent', bold: true }), seg(' '), seg(vm.title || vm.name || '', { bold: true }),
    ...(vm.name ? [seg(` (${vm.name})`, { tone: 'dim' })] : []), ...(vm.dryRun ? [seg('  DRY RUN', { tone: 'warn', bold: true })] : [])];
  const room = Math.max(0, width - rowWidth(state));
  const left = fit(title, room);
  const rows: Row[] = [[...left, seg(' '.repeat(room - rowWidth(left))), ...state]];
  if (vm.target) rows.push([seg('target     ', { tone: 'dim' }), seg(vm.target)]);
  if (transcriptPath) rows.push([seg('transcript ', { tone: 'dim' }), seg(transcriptPath)]);
  if (vm.resumedFrom) rows.push([seg(`resumed at step '${vm.resumedFrom}'`, { tone: 'warn' })]);
  if (notice) for (const line of notice.split('\n')) rows.push([seg(line, { tone: 'warn' })]);
  return rows.map((r) => fit(r, width));
}

/** HH:MM:SS, local time. */
const timeOfDay = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
