// What the step runner (step-runner.ts) is given by its run: the runbook, the executors, the redactor, and the
// run's ears (publish, ask, the target guard, the gate's approvals).
import type { ExecutorSet, Question, StepResult } from '../executors/types.js';
import type { TargetFingerprint } from '../executors/fingerprint.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import type { LiveSession, ServerSessionId } from '../db/server-session.js';
import type { RunEvent } from './events.js';
import type { LoopItem } from './machine-types.js';
import type { SessionSecrets } from './session-secrets.js';
import type { WrittenSecrets } from './written-secrets.js';

export interface StepRunnerDeps {
  doc: RunbookDoc;
  executors: ExecutorSet;
  redactor: Redactor;
  /** Masks every event it is given (Run.publish): nothing here masks what it publishes a second time. */
  publish(event: RunEvent): void;
  ask(question: Question): Promise<string>;
  dryRun: boolean;
  deadline?: number;                      // epoch ms
  callRunbook?(step: StepDoc, inputs: Record<string, string>, signal: AbortSignal, secretInputs?: readonly string[]): Promise<StepResult>;
  /** Whether a dry run can sandbox shell steps (executors/sandbox.ts); `runbook test` scripts them instead. */
  canSandbox?(): boolean;
  /** First contact with a target; throws when it is not the run's (see TargetGuard). Returns the interrupted
   *  run's server sessions to look for on it (a resume). */
  identify?(stepId: string, connection: string, target: TargetFingerprint): ServerSessionId[] | void;
  /** Some of those still run: true to wait, else throws (the run stops, resumable). */
  liveSessions?(stepId: string, connection: string, live: LiveSession[]): boolean;
  /** The for_each list the operator approved at this step's gate, handed over once; undefined if none was. */
  approvedItems?(stepId: string): LoopItem[] | undefined;
  /** What a step given a secret printed (secrets/step-taint.ts), exact secrets masked: for the screen alone, shown
   *  when the operator asks. Never published as an event, so never recorded. */
  withheldOutput?(stepId: string, stream: 'stdout' | 'stderr', chunk: string): void;
  /** The transcript could not take a line (a full disk, its directory gone): nothing more may act. */
  recordingFailed?(): boolean;
  /** The connections whose sessions a step gave a secret (session-secrets.ts). */
  sessionSecrets?: SessionSecrets;
  /** The run's steps given a secret that may write (written-secrets.ts): later reads may meet it. */
  writtenSecrets?: WrittenSecrets;
}
