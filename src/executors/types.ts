// The one interface between the engine and whatever does the work. The engine prepares an action
// (templates rendered, values bound) and an executor carries it out; neither knows the other's internals.
import type { Withheld } from '../secrets/step-taint.js';
import type { ProbeName } from '../language/schema.js';
import { CLASSIFICATIONS, type Classification, type StepStatus } from '../common/classification.js';
import type { StepProcess } from './supervise.js';
import type { TargetFingerprint } from './fingerprint.js';
import type { LiveSession, ServerSessionId } from '../db/server-session.js';

/** What kind of failure (or ok) a step saw (common/classification.ts: the language, db and executors name them). */
export { CLASSIFICATIONS, type Classification };

export type { StepStatus };

export interface StepResult {
  status: StepStatus;
  durationMs: number;
  exitCode?: number | null;
  signal?: string | null;
  stdout?: string;             // bounded: head + tail with the middle elided
  stderr?: string;
  outputBytes?: number;        // total bytes produced, including what was elided
  rows?: Record<string, unknown>[];   // bounded: the first rows up to db/row-budget's limits
  rowCount?: number;           // every row the statement returned (or affected)
  rowsOmitted?: number;        // returned but not kept (rowCount - rows.length for a SELECT)
  bytesOmitted?: number;       // about the JSON size of the rows not kept (estimated past the first: db/row-budget.ts)
  columns?: string[];
  classification?: Classification;
  value?: string;              // prompt answer or manual choice
  error?: string;              // one line, secrets already masked
  details?: Record<string, unknown>; // probe evidence (addresses, cipher, cert expiry, …)
  /** The step was given a secret: what it printed or returned is withheld from every record (secrets/step-taint.ts). */
  withheld?: Withheld;
  /** Set only in a transcript whose step-finished record could not be written whole: what was cut, why. */
  truncated?: { fields: string[]; reason: string };
  items?: ItemResult[];        // a for_each step: one result per item it ran
  vars?: Record<string, unknown>;    // a vars step: the values it computed, by name (expressions: vars.<name>)
  outputs?: Record<string, unknown>; // a runbook step: the called runbook's declared outputs
}

/** The result of one item of a for_each step. */
export type ItemResult = Omit<StepResult, 'items'> & { index: number; label: string };

/** `values` fill the script's ${RUNBOOK_V<n>} references (they reach bash on its stdin, never on a command line);
 *  the script inherits the engine's environment without credential variables and without `withheld`, plus `env`. */
export interface ShellAction {
  kind: 'shell'; script: string; values: string[]; env: Record<string, string>; withheld?: string[]; cwd?: string;
  /** A dry run: run inside the read-only sandbox (executors/sandbox.ts), never outside it; with the host's
   *  network only for a step the lint proved to run reads alone. */
  sandbox?: 'network' | 'offline';
  /** A proven read (it runs without the operator's yes): in a real run as root, shielded from files that act
   *  when opened (executors/shield.ts). */
  proven?: boolean;
  remote?: RemoteTarget;       // run there instead of here (executors/remote.ts); env and cwd apply there
  /** The local script drives a target's client (remote-run.ts): it gets the environment the target was identified
   *  with (DOCKER_HOST, KUBECONFIG: the same daemon or cluster), not a proven read's narrower one. */
  client?: true;
  localFor?: string;           // the step named this target, whose `if` sent it here: this machine is recorded as it
}

/** Where a shell step runs when not here: a target of the runbook, its templates filled in. */
/** standsFor: the target the step named, when its `if` was false and `otherwise` led here; identity is recorded under it. */
export type RemoteTarget = { name: string; standsFor?: string } & (
  | { kind: 'ssh'; destination: string; port?: number; config?: string; allowUncheckedHostKey?: boolean }
  | { kind: 'kubectl'; pod?: string; selector?: string; namespace?: string; context?: string; container?: string }
  | { kind: 'docker'; container: string });
export interface SqlAction {
  kind: 'sql'; connection: string; url: string; query: string; params: unknown[];
  readOnly: boolean;           // true unless the step is destructive
  vouched?: boolean;           // a non-destructive step with `safe_because`: may run SQL not proven read-only
  timeoutMs?: number;          // server-side statement timeout
  secretParams?: boolean;      // a parameter holds a secret: not sent where the server would log it
}
export interface ProbeAction {
  kind: 'probe'; probe: ProbeName; url?: string; host?: string; port?: number; servername?: string; parameter?: string; timeoutMs: number;
}
export interface ManualAction { kind: 'manual'; instructions: string; choices?: string[] }
export interface PromptAction { kind: 'prompt'; message: string; default?: string; pattern?: string; expected?: string; choices?: string[]; secret?: boolean }
export type Action = ShellAction | SqlAction | ProbeAction | ManualAction | PromptAction;

/** A question for the operator (manual and prompt steps). The UI answers it. */
export interface Question { stepId: string; action: ManualAction | PromptAction }

export interface ExecContext {
  stepId: string;
  /** A for_each step: the index in its list of the item this action is for. */
  item?: number;
  signal: AbortSignal;         // aborted on timeout, operator abort or run deadline
  /** The time limit the step runs under (its timeout, or what is left of the run's deadline): a timeout's
   *  clean-up (a script's SIGTERM grace) fits inside the limit's budget. */
  limitMs?: number;
  /** The step is proven to only read: not destructive, and not vouched for (`safe_because`) instead of proven.
   *  Anything else may change the target, and a team store's driver must know it still holds the run first. */
  provenRead?: true;
  onOutput(stream: 'stdout' | 'stderr', chunk: string): void; // raw chunks: the engine masks the stream whole
  ask(question: Question): Promise<string>;
  mask(text: string): string;  // redacts every known secret
  /** A process group now runs the step (shell): recorded, so a resume can tell whether any of it still runs. */
  onProcess?(process: StepProcess): void;
  /** First contact with a target (connection name, or HOST_TARGET for shell steps). Throws when it is not the
   *  run's target: the executor then sends nothing to it and fails the step with that error. On a resume it
   *  returns the server sessions the interrupted run left on this connection: the executor asks the server
   *  whether they still run before it sends anything (onLiveSessions). */
  onTarget?(connection: string, target: TargetFingerprint): ServerSessionId[] | void;
  /** Sessions of the interrupted run still run on the server: throws (the run stops, resumable) unless the
   *  operator asked to wait for them (--wait-for-orphans); then returns true and the executor waits. */
  onLiveSessions?(connection: string, live: LiveSession[]): boolean;
  /** A destructive SQL statement is about to be sent on this server session: recorded before it is sent. */
  onSession?(connection: string, session: ServerSessionId): void;
}

export interface Executor<A extends Action = Action> {
  execute(action: A, ctx: ExecContext): Promise<StepResult>;
}

/** The executors of one run; `close` releases connections on every exit path. */
export interface ExecutorSet {
  execute(action: Action, ctx: ExecContext): Promise<StepResult>;
  close(): Promise<void>;
}
