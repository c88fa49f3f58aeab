// What a run tells its subscribers (terminal UI, plain renderer, transcript). Every string is already
// masked: no subscriber ever sees a secret.
import type { StepResult, Question } from '../executors/types.js';
import type { StepKind } from '../language/schema.js';
import type { TargetAddress, TargetFingerprint } from '../executors/fingerprint.js';
import type { ServerSessionId } from '../db/server-session.js';
import type { Static } from '@sinclair/typebox';
import type { RunEventSchema, StepResultSchema } from '../events/schema.js';
import type { StepCounts } from './step-counts.js';

/** interrupted: the run lost its terminal or was told to stop (SIGHUP, SIGTERM, a vanished tty) without an
 *  operator deciding to abandon it; resume continues it. aborted: an operator ended it (Ctrl-C, abort at a gate). */
export type RunOutcome = 'resolved' | 'escalate' | 'failed' | 'aborted' | 'interrupted';
/** How an abort ends the run (see RunOutcome). */
export type StopOutcome = 'aborted' | 'failed' | 'interrupted';
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
/** What a dry run did with a step's action: ran it for real (read-only SQL, probes), ran it in the sandbox
 *  (shell the lint proved to run reads alone, with the network), ran it in the sandbox offline (any other
 *  shell step: vouched for, or not fully readable), or only showed it (destructive, or no sandbox here). */
export type DryRunMode = 'ran' | 'sandboxed' | 'sandboxed-offline' | 'shown';
export interface StepStarted {
  type: 'step-started'; stepId: string; title: string; kind: StepKind; attempt: number; command?: string; destructive: boolean;
  where?: string;          // a shell step that names a target: where it runs, and why when its `if` sent it here
  dryRun?: DryRunMode;     // set in a dry run for steps with an action
  writes?: boolean;        // given a secret and may write: later reads may meet it (written-secrets.ts)
}
/** The process group a step's command runs in (shell steps), so a resume can tell whether any of it still runs. */
export interface StepProcessStarted { type: 'step-process'; stepId: string; pid: number; pgid: number; bootId?: string; startTicks?: number }
/** First contact with a target (a database connection, or this host for shell steps): who answered. A resume
 *  compares it with what answers now before it runs anything. */
export interface TargetIdentified { type: 'target-identified'; stepId: string; connection: string; target: TargetFingerprint }
/** A destructive SQL step is about to send its statement on this server session (written before it is sent):
 *  a resume asks the server whether the session still runs, and refuses (or waits) while it does. */
export interface StepSession { type: 'step-session'; stepId: string; connection: string; session: ServerSessionId }
/** Where each connection's URL leads (host, port, database, user), as the run starts, before any is reached:
 *  a resume compares them with where the URLs lead now, also for a connection the run never reached.
 *  calledFrom: the calling step(s) of a called runbook (`call`, `outer/inner`). */
export interface ConnectionAddresses { type: 'connection-addresses'; calledFrom?: string; connections: Record<string, TargetAddress> }
/** A `runbook:` step's called runbook started (its own run-started is the calling step's): which file, which
 *  bytes. A resume continuing inside it refuses a changed file unless --force. */
export interface CalledRunbook { type: 'called-runbook'; stepId: string; runbook: { name: string; file: string; sha256: string } }
/** On a resume: a step that finished before the interruption; its recorded result is kept, it is not run again. */
export interface AlreadyRan { type: 'already-ran'; stepId: string; status: StepResult['status'] }
export interface StepOutput { type: 'step-output'; stepId: string; stream: 'stdout' | 'stderr'; chunk: string }
/** Set by the transcript only: the result's stdout/stderr are the step's output lines, named by size and sha256
 *  (the reader puts them back), so a finish line does not grow with the output (transcript/output-refs.ts). */
export interface OutputRef { bytes: number; sha256: string }
export interface OutputRefs { stdout?: OutputRef; stderr?: OutputRef }
export interface StepFinished {
  type: 'step-finished'; stepId: string; result: StepResult; attempt: number; willRetry?: boolean;
  output?: OutputRefs; itemsOutput?: true;   // transcript only: see OutputRefs; each item's streams are in its item-finished
}
export interface StepSkipped {
  type: 'step-skipped'; stepId: string; reason: 'condition' | 'operator' | 'dry-run'; detail?: string;
  because?: DryRunShownBecause;  // a dry run: why the step was shown, not run
  items?: GateItem[];            // a for_each step shown in a dry run: the items it would act on
}
export type DryRunShownBecause = 'destructive' | 'no-sandbox' | 'safe-because' | 'remote';
export interface BranchTaken { type: 'branch'; from: string; to: string; via: 'on' | 'next' | 'then' | 'failure'; expression?: string; value?: unknown }
export interface ConfirmationRequested {
  type: 'confirmation-requested'; stepId: string; title: string; command: string; target?: string;
  /** Four eyes: this gate visit (`<visit>-<nonce>`): a teammate's decision names it and answers no other. */
  gate?: string;
  description?: string; blastRadius?: string; question: string; risk: 'normal' | 'high'; resumed: boolean; ranBefore?: boolean;
  connection?: string;               // SQL: the connection's name (target has its masked URL)
  env?: Record<string, string>;      // shell: the step's env: values, masked where they hold a secret
  envNotes?: string[];               // shell: env values shown whose name looks like a credential's
  cwd?: string;                      // shell: the working directory it sets
  timeout?: string;                  // the step's time limit
  attempts?: number;                 // runs of the action one approval covers (retry.attempts, 1 without retry)
  covers?: string;                   // in words: what the one approval covers (retries, wait polls, a call)
  /** A for_each step: every item the approval covers, and how many had already run before a resume. */
  items?: GateItem[]; itemsDone?: number;
  /** The earlier steps whose results the step acts on (its `evidence:`, else the captures its action reads). */
  evidence?: string[];
  /** Four eyes: only a teammate's decision through the team store answers this gate (or a recorded break-glass). */
  approval?: { by: 'another-person' };
}
/** One item of a for_each as the operator sees it: its label and what the step is given for it. */
export interface GateItem { label: string; detail: string }
/** A for_each step begins acting on this list (the approved one, for a destructive step). */
export interface LoopStarted { type: 'loop-started'; stepId: string; items: { index: number; label: string; value: unknown }[] }
/** One item of a for_each step finished; resume does not run it again. */
/** A wait step's poll found its condition still false: what it saw, and when the wait gives up. */
export interface WaitPolled { type: 'wait-polled'; stepId: string; poll: number; condition: string; last: string; nextInMs: number; deadlineAt: string }
export interface ItemFinished { type: 'item-finished'; stepId: string; index: number; label: string; result: Omit<StepResult, 'items'>; output?: OutputRefs }
export interface ConfirmationAnswered {
  type: 'confirmation-answered'; stepId: string; answer: ConfirmAnswer; by: string; how: ConfirmHow; waitedMs: number;
  /** Four eyes: the teammate who decided, as the store's database named them, and when; a denial's or break-glass's reason. */
  approver?: string; decidedAt?: string; reason?: string;
  /** Four eyes: the gate visit the teammate's decision named (the request's `gate`). */
  gate?: string;
}
/** four-eyes: a teammate's decision from the store; break-glass: the driver's own, with a reason, the store being down. */
export type ConfirmHow = 'key' | 'typed' | 'flag' | 'dry-run' | 'four-eyes' | 'break-glass';
/** What a four-eyes decision adds to the answer it becomes. */
export type ConfirmDetails = Pick<ConfirmationAnswered, 'approver' | 'decidedAt' | 'reason' | 'gate'>;
export interface QuestionAsked { type: 'question-asked'; questionId: string; question: Question }
/** how: a key (a choice), typed text, a line on stdin (plain mode); waitedMs: from the question to the answer. */
export type AnswerHow = 'key' | 'typed' | 'stdin';
export interface QuestionAnswered { type: 'question-answered'; questionId: string; stepId: string; answer: string; how?: AnswerHow; waitedMs?: number }
export interface OperatorNote { type: 'note'; text: string; by: string; stepId?: string }
/** A run about to end resolved checks the application's connection for a while first (engine/application-check.ts):
 *  the screen says so rather than sitting still. */
export interface ApplicationCheckStarted { type: 'application-check'; holdMs: number; everyMs: number }
export interface RunFinished { type: 'run-finished'; outcome: RunOutcome; message: string; stepId?: string; durationMs: number; steps: StepCounts }

export type RunEvent =
  | RunStarted | StepStarted | StepProcessStarted | TargetIdentified | StepSession | ConnectionAddresses | CalledRunbook | AlreadyRan | StepOutput | StepFinished | StepSkipped | BranchTaken | ConfirmationRequested
  | ConfirmationAnswered | QuestionAsked | QuestionAnswered | OperatorNote | RunFinished | LoopStarted | ItemFinished | WaitPolled | ApplicationCheckStarted;

export type RunEventListener = (event: RunEvent) => void;

// Fails to compile when the transcript schema (events/schema.ts) and these events drift apart, in either
// direction. Key lists are compared too: mutual assignability alone would let an optional field go missing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaEvent = Static<typeof RunEventSchema>;
type KeysMatch = { [K in RunEvent['type']]: Same<keyof Extract<RunEvent, { type: K }>, keyof Extract<SchemaEvent, { type: K }>> }[RunEvent['type']];
const inStep: [Same<SchemaEvent, RunEvent>, Same<KeysMatch, true>, Same<keyof StepResult, keyof Static<typeof StepResultSchema>>] = [true, true, true];
void inStep;
