// A step's status in words and a tone, for its row in the step list. Pure: `now` is passed in.
import { formatDuration, formatElapsed, truncate } from './format.js';
import type { StepView } from './view-model.js';
import { ranEarlier } from './step-visits.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'active' | 'dim' | 'plain';
export interface StepStatusView { icon: string; text: string; tone: Tone; spinning: boolean }

export function stepStatus(s: StepView, now: number, runOver: boolean, waitingForOperator = false): StepStatusView {
  const took = s.durationMs !== undefined ? formatDuration(s.durationMs) : '';
  switch (s.state) {
    case 'pending':
      return { icon: '·', text: runOver ? 'not run' : '', tone: 'dim', spinning: false };
    case 'running': {
      const elapsed = formatElapsed(now - (s.startedAt ?? now));
      const attempt = s.attempt > 1 ? `, attempt ${s.attempt}` : '';
      const sandboxed = s.dryRun === 'sandboxed' ? ' in the sandbox' : s.dryRun === 'sandboxed-offline' ? ' in the sandbox, offline' : '';
      const polling = s.wait ? `, poll ${s.wait.poll}, gives up in ${formatElapsed(Math.max(0, s.wait.deadlineAt - now))}` : '';
      const text = waitingForOperator ? 'waiting for you' : `${s.wait ? 'waiting' : 'running'}${sandboxed} ${elapsed}${attempt}${polling}`;
      // Waiting for the operator the clock is stopped: a still '?' rather than a frozen spinner.
      return { icon: waitingForOperator ? '?' : '', text, tone: waitingForOperator ? 'warn' : 'active', spinning: !waitingForOperator };
    }
    case 'awaiting':
      return { icon: '?', text: 'awaiting confirmation', tone: 'warn', spinning: false };
    case 'ok': {
      const cls = s.result?.classification && s.result.classification !== 'ok' ? ` ${s.result.classification}` : '';
      const value = s.result?.value !== undefined ? ` (${truncate(s.result.value, 24)})` : '';
      const sandboxed = s.dryRun === 'sandboxed' ? ' (sandboxed)' : s.dryRun === 'sandboxed-offline' ? ' (sandboxed, offline)' : '';
      return { icon: '✓', text: `ok ${took}${cls}${value}${sandboxed}`, tone: 'ok', spinning: false };
    }
    case 'failed':
    case 'timeout': {
      const r = s.result;
      const why = r?.error ?? (r?.exitCode !== undefined && r.exitCode !== null ? `exit code ${r.exitCode}` : r?.classification ?? '');
      const word = s.state === 'timeout' ? 'timed out' : 'failed';
      return { icon: '✗', text: `${word} ${took}${why ? `: ${truncate(why, 60)}` : ''}`, tone: 'bad', spinning: false };
    }
    case 'aborted':
      return { icon: '■', text: `aborted${took ? ` ${took}` : ''}${ranEarlier(s)}`, tone: 'bad', spinning: false };
    case 'skipped': {
      const why = s.skip?.reason === 'dry-run' ? (s.skip.because === 'no-sandbox' ? 'dry run: shown (no sandbox)' : s.skip.because === 'safe-because' ? 'dry run: shown (safe_because)' : 'dry run: not run') : s.skip?.reason === 'operator' ? skippedBy(s) : s.skip?.reason === 'condition' ? 'skipped: condition false' : 'skipped';
      return { icon: '↷', text: `${why}${ranEarlier(s)}`, tone: 'dim', spinning: false };
    }
    case 'reached':
      return { icon: '◆', text: 'end', tone: 'plain', spinning: false };
  }
}

/** Who skipped a step at its gate: a teammate's four-eyes denial names them (and why), not the driver. */
function skippedBy(s: StepView): string {
  const c = s.confirmation;
  if (c?.how === 'four-eyes' && c.approver) return `denied by ${c.approver}${c.reason ? `: ${c.reason}` : ''}`;
  return s.skip?.detail ? `skipped by you ${s.skip.detail}` : 'skipped by you';
}
