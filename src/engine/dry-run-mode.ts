// How a dry run treats each step's action: nothing destructive runs; shell runs only inside the sandbox; SQL
// an author vouched for is shown. The step runner asks here, then acts as told.
import type { Action, StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import { provenReadOnly } from '../executors/sql-read-only.js';
import { shellProvenRead } from '../language/validate/safety-lint.js';
import type { DryRunMode, DryRunShownBecause } from './events.js';
import type { Prepared } from './prepare.js';

/** What a dry run does with a step's action. Nothing destructive runs; shell runs only inside the sandbox,
 *  and only when the lint proved every command of it a read (the sandbox keeps files and processes, not what
 *  a request does to another server); SQL an author vouched for with safe_because (the
 *  lint saw a write) is shown: the read-only transaction does not stop every side effect (pg_terminate_backend
 *  runs in one). */
export function dryRunMode(step: StepDoc, action: Action, canSandbox: boolean): { mode: DryRunMode; because?: DryRunShownBecause } | undefined {
  if (step.destructive === true) return { mode: 'shown', because: 'destructive' };
  // The sandbox is on this machine: a script that runs on a target would act there, unsandboxed.
  if (action.kind === 'shell' && action.remote) return { mode: 'shown', because: 'remote' };
  // Shell outside the proven subset (vouched for with safe_because) is shown, not run: the sandbox keeps files
  // and processes, not what a program the lint did not prove does through a FIFO, a lock or a socket (#44).
  if (action.kind === 'shell') return !shellProvenRead(step) ? { mode: 'shown', because: 'safe-because' } : !canSandbox ? { mode: 'shown', because: 'no-sandbox' } : { mode: 'sandboxed' };
  // SQL that only its safe_because vouches for (the parser could not prove it read-only) is shown, not run.
  if (action.kind === 'sql') return action.vouched === true && !provenReadOnly(action) ? { mode: 'shown', because: 'safe-because' } : { mode: 'ran' };
  if (action.kind === 'probe') return { mode: 'ran' };
  return undefined; // manual and prompt steps ask, as in a real run
}

export type SandboxMode = 'network' | 'offline' | undefined;

export const inSandbox = (p: Prepared, sandbox: SandboxMode): Prepared =>
  sandbox && p.action.kind === 'shell' ? { ...p, action: { ...p.action, sandbox } } : p;

/** A step shown, not run, in a dry run: counted as succeeded with no output, so the plan follows the path a
 *  real, approved run would take. */
export const DRY_RUN_RESULT: StepResult = { status: 'ok', durationMs: 0, value: 'dry-run', details: { dryRun: true } };
