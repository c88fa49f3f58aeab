// Why a resumed run asks again at a step that needs no gate otherwise (engine/gate.ts): it was in flight when the
// run was interrupted, or it ran before and the resumed run reaches it again (a loop, or a runbook accepted as
// changed). The screen, plain mode and the refusal say which, in their own lengths.
import type { ConfirmationRequested } from '../engine/events.js';

export interface ResumedReason { line: string; stopped: string; short: string }

export function resumedReason(e: Pick<ConfirmationRequested, 'resumed' | 'ranBefore'>): ResumedReason | undefined {
  if (e.resumed) {
    return { line: 'this step was in flight when the run was interrupted; it may have partly run', stopped: 'was in flight when the run was interrupted and may have partly run; it', short: 'was in flight when the run was interrupted (it may have partly run)' };
  }
  if (e.ranBefore) {
    return { line: 'this step ran before the run was interrupted, and the resumed run reaches it again', stopped: 'ran before the run was interrupted and the resumed run reaches it again; it', short: 'ran before the run was interrupted (the resumed run reaches it again)' };
  }
  return undefined;
}
