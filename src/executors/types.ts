// The one interface between the engine and whatever does the work. The engine prepares an action
// (templates rendered, values bound) and an executor carries it out; neither knows the other's internals.
import type { ProbeName } from '../language/schema.js';

/** What kind of failure (or ok) a step saw; `on` branches on these names. The one list: the transcript and
 *  cases schemas read it too. */
export const CLASSIFICATIONS = [
  'ok', 'dns', 'refused', 'timeout', 'unreachable', 'auth', 'database-missing', 'ssl-required',
  'ssl-unsupported', 'cert-untrusted', 'cert-hostname', 'cert-expired', 'too-many-connections', 'connection-lost', 'other',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export type StepStatus = 'ok' | 'failed' | 'timeout' | 'aborted' | 'skipped';

export interface StepResult {
  status: StepStatus;
  durationMs: number;
  exitCode?: number | null;
  signal?: string | null;
  stdout?: string;             // bounded: head + tail with the middle elided
  stderr?: string;
  outputBytes?: number;        // total bytes produced, including what was elided
  rows?: Record<string, unknown>[];
  rowCount?: number;
  columns?: string[];
  classification?: Classification;
  value?: string;              // prompt answer or manual choice
  error?: string;              // one line, secrets already masked
  details?: Record<string, unknown>; // probe evidence (addresses, cipher, cert expiry, …)
  items?: ItemResult[];        // a for_each step: one result per item it ran
}

/** The result of one item of a for_each step. */
export type ItemResult = Omit<StepResult, 'items'> & { index: number; label: string };

export interface ShellAction { kind: 'shell'; script: string; args: string[]; env: Record<string, string>; cwd?: string }
export interface SqlAction {
  kind: 'sql'; connection: string; url: string; query: string; params: unknown[];
  readOnly: boolean;           // true unless the step is destructive
  timeoutMs?: number;          // server-side statement timeout
}
export interface ProbeAction {
  kind: 'probe'; probe: ProbeName; url?: string; host?: string; port?: number; servername?: string; timeoutMs: number;
}
export interface ManualAction { kind: 'manual'; instructions: string; choices?: string[] }
export interface PromptAction { kind: 'prompt'; message: string; default?: string; pattern?: string; choices?: string[]; secret?: boolean }
export type Action = ShellAction | SqlAction | ProbeAction | ManualAction | PromptAction;

/** A question for the operator (manual and prompt steps). The UI answers it. */
export interface Question { stepId: string; action: ManualAction | PromptAction }

export interface ExecContext {
  stepId: string;
  signal: AbortSignal;         // aborted on timeout, operator abort or run deadline
  onOutput(stream: 'stdout' | 'stderr', chunk: string): void;
  ask(question: Question): Promise<string>;
  mask(text: string): string;  // redacts every known secret
}

export interface Executor<A extends Action = Action> {
  execute(action: A, ctx: ExecContext): Promise<StepResult>;
}

/** The executors of one run; `close` releases connections on every exit path. */
export interface ExecutorSet {
  execute(action: Action, ctx: ExecContext): Promise<StepResult>;
  close(): Promise<void>;
}
