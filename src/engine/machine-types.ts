// The shape of a compiled runbook machine: its context, the events it takes, the ids of its special states.
import type { StepResult } from '../executors/types.js';
import type { RunData } from './scope.js';
import type { RunOutcome, StopOutcome } from './events.js';

export interface MachineContext extends RunData {
  visits: Record<string, number>;
  outcome?: RunOutcome;
  message?: string;
  endStep?: string;
  resumedStep?: string;      // the step that was in flight when the run was interrupted
  /** Steps that acted before the interruption: a vouched one asks before it runs again in the resumed run (a probe
   *  of stop 67 reordered a runbook, resumed with --accept-changed, and a finished vouched write ran again ungated). */
  ranBeforeResume?: string[];
  /** The last check (language/check-step.ts) that finished before the interruption: a resumed run about to end
   *  `resolved` without a check of its own runs it again (engine/resumed-check.ts). */
  checkedBeforeResume?: string;
  resumedLoop?: ResumedLoop; // its for_each list and finished items, when it was a for_each
}

/** One item of a for_each list. */
export interface LoopItem {
  index: number;         // position in the list as first worked out (stable across a resume)
  label: string;
  value: unknown;
  /** The list came from a secret: the item is one by where it came from (shown and recorded as the mask). */
  secret?: boolean;
}

export interface ItemOutcome { index: number; label: string; result: StepResult }

/** A for_each in flight when the run was interrupted: the list it was acting on and the items that finished. */
export interface ResumedLoop { stepId: string; items: LoopItem[]; done: Record<number, ItemOutcome> }

export type MachineEvent =
  | { type: 'CONFIRM'; stepId: string }
  | { type: 'SKIP'; stepId: string }
  | { type: 'ABORT'; reason?: string; outcome?: StopOutcome };

export interface StepInput { stepId: string; context: MachineContext }
export type StepOutput = StepResult;

export interface MachineOutput { outcome: RunOutcome; message: string; stepId?: string }

/** Special final states. Step ids start with a lower-case letter, so these never collide. */
export const FAILED = '__failed';
export const ABORTED = '__aborted';
export const FINISHED = '__finished';

/** Sub-states every step has. */
export const PHASE = { enter: 'enter', gate: 'awaitingConfirmation', run: 'running', route: 'route' } as const;
