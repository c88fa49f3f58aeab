// What a run tells its subscribers (terminal UI, plain renderer, transcript). Every string is already
// masked: no subscriber ever sees a secret.
import type { StepResult, Question } from '../executors/types.js';
import type { StepKind } from '../language/schema.js';

export type RunOutcome = 'resolved' | 'escalate' | 'failed' | 'aborted';
export type ConfirmAnswer = 'yes' | 'skip' | 'abort';

export interface RunStarted {
  type: 'run-started';
  runId: string;
  runbook: { name: string; title: string; file: string; sha256: string };
  inputs: Record<string, unknown>;
  target?: string;
  dryRun: boolean;
  resumedFrom?: string;   // step id the run resumed at
}
export interface StepStarted { type: 'step-started'; stepId: string; title: string; kind: StepKind; attempt: number; command?: string; destructive: boolean }
export interface StepOutput { type: 'step-output'; stepId: string; stream: 'stdout' | 'stderr'; chunk: string }
export interface StepFinished { type: 'step-finished'; stepId: string; result: StepResult; attempt: number; willRetry?: boolean }
export interface StepSkipped { type: 'step-skipped'; stepId: string; reason: 'condition' | 'operator' | 'dry-run'; detail?: string; items?: GateItem[] }
export interface BranchTaken { type: 'branch'; from: string; to: string; via: 'on' | 'next' | 'then' | 'failure'; expression?: string; value?: unknown }
export interface ConfirmationRequested {
  type: 'confirmation-requested'; stepId: string; title: string; command: string; target?: string;
  description?: string; blastRadius?: string; question: string; risk: 'normal' | 'high'; resumed: boolean;
  /** A for_each step: every item the approval covers, and how many had already run before a resume. */
  items?: GateItem[]; itemsDone?: number;
}
/** One item of a for_each as the operator sees it: its label and what the step is given for it. */
export interface GateItem { label: string; detail: string }
/** A for_each step begins acting on this list (the approved one, for a destructive step). */
export interface LoopStarted { type: 'loop-started'; stepId: string; items: { index: number; label: string; value: unknown }[] }
/** One item of a for_each step finished; resume does not run it again. */
export interface ItemFinished { type: 'item-finished'; stepId: string; index: number; label: string; result: Omit<StepResult, 'items'> }
export interface ConfirmationAnswered { type: 'confirmation-answered'; stepId: string; answer: ConfirmAnswer; by: string; how: 'key' | 'typed' | 'flag' | 'dry-run'; waitedMs: number }
export interface QuestionAsked { type: 'question-asked'; questionId: string; question: Question }
export interface QuestionAnswered { type: 'question-answered'; questionId: string; stepId: string; answer: string }
export interface OperatorNote { type: 'note'; text: string; by: string; stepId?: string }
export interface RunFinished { type: 'run-finished'; outcome: RunOutcome; message: string; stepId?: string; durationMs: number; steps: { ok: number; failed: number; skipped: number } }

export type RunEvent =
  | RunStarted | StepStarted | StepOutput | StepFinished | StepSkipped | BranchTaken | ConfirmationRequested
  | ConfirmationAnswered | QuestionAsked | QuestionAnswered | OperatorNote | RunFinished | LoopStarted | ItemFinished;

export type RunEventListener = (event: RunEvent) => void;
