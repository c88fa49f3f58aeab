// What a run is given (RunOptions), where an interrupted one continues (ResumeState), and a question waiting
// for its answer: the run's inputs, apart from the Run that acts on them (run.ts).
import type { ExecutorSet, Question, StepResult } from '../executors/types.js';
import type { Runbook } from '../language/runbook.js';
import type { StepDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import type { MachineContext } from './machine-types.js';
import type { TargetGuard } from './target-guard.js';
import type { Written, WrittenSecrets } from './written-secrets.js';

export interface RunOptions {
  runbook: Runbook;
  inputs: Record<string, unknown>;
  redactor: Redactor;
  executors: ExecutorSet;
  operator?: string;
  dryRun?: boolean;
  deadlineMs?: number;                 // whole-run limit
  /** Continue an interrupted run: at `enter` the step runs again (behind its gate if destructive); at
   *  `route` it had finished and only its branch is still to be taken. */
  /** started: false when the step never began (the run was waiting at its gate): the gate need not warn
   *  that it may have partly run. */
  resume?: ResumeState;
  target?: string;                     // shown in the header, already masked
  callRunbook?(step: StepDoc, inputs: Record<string, string>, signal: AbortSignal, secretInputs?: readonly string[]): Promise<StepResult>;
  /** Overrides the sandbox check of a dry run (`runbook test`, whose scripted executors run nothing). */
  canSandbox?(): boolean;
  /** Compares every first contact with a target against the recorded one (resume); default: records only. */
  targets?: TargetGuard;
  /** The run's environment (with --env-file): credentials and names a connection URL leaves out come from it,
   *  so where each URL leads is recorded as the connection will be made. Default: the process environment. */
  env?: Record<string, string | undefined>;
  /** --skip: steps skipped before the run starts, as the gate's `s` would (`call/step` for a called runbook's). */
  skip?: readonly string[];
  /** A called runbook's run: its end is a step's result, and the calling run's end is what says "resolved". */
  called?: boolean;
  /** A called runbook's run: its caller's record of steps given a secret that may write (written-secrets.ts). */
  written?: WrittenSecrets;
}

/** Where an interrupted run continues (rebuilt from its transcript). `nested`: the step in flight is a `runbook:`
 *  step, and this is where the called runbook continues (at every depth), so what finished in it is not rerun. */
export interface ResumeState {
  stepId: string; context: MachineContext; phase?: 'enter' | 'route'; started?: boolean;
  nested?: Record<string, ResumeState>;
  /** The first step given a secret that may write, in the interrupted run's record (its step-started `writes`). */
  written?: Written;
}

export interface PendingQuestion { questionId: string; question: Question; askedAt: number; resolve(answer: string): void }
