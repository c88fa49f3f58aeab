// One action carried out for a step: under the step's timeout and the run's deadline, its output streamed
// masked, its first contact with a target checked by the run's guard (a refused target: the step did not run).
import { timeoutError } from '../db/abort.js';
import { secretsReadOf, withSecretsRead } from '../db/session.js';
import type { ExecContext, StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import { StreamMasker } from '../secrets/stream-masker.js';
import { unconfirmed, type Prepared } from './prepare.js';
import { isSecretStep } from './secret-step.js';
import type { StepRunnerDeps } from './step-runner-deps.js';
import { setSafeTimeout } from './timer.js';
import { maskAddress } from './url-secrets.js';

/** Runs a prepared action under the step timeout and the run deadline; output is streamed masked. */
export async function executeAction(deps: StepRunnerDeps, step: StepDoc, prepared: Prepared, outer: AbortSignal, timeoutMs: number | undefined, item?: number): Promise<StepResult> {
  const limit = stepLimit(deps, timeoutMs);
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason ?? new Error('aborted'));
  outer.addEventListener('abort', onAbort, { once: true });
  if (outer.aborted) onAbort();
  const cancelTimer = limit === undefined ? undefined : setSafeTimeout(() => controller.abort(timeoutError('step timed out')), limit);
  const maskers = { stdout: masker(deps, step.id, 'stdout'), stderr: masker(deps, step.id, 'stderr') };
  /** A read looked at again once it ended (prepared.recheck): its output until then. */
  const held: ['stdout' | 'stderr', string][] = [];
  const ctx: ExecContext = {
    stepId: step.id,
    ...(item !== undefined ? { item } : {}),
    signal: controller.signal,
    ...(unconfirmed(step) ? { provenRead: true as const } : {}),
    ...(limit !== undefined ? { limitMs: limit } : {}),
    // A secret step's output is not streamed: what it prints is known to be secret only once it has all arrived.
    // A step given a secret prints nothing to the record: its output goes to the screen's withheld view alone.
    onOutput: isSecretStep(step) ? () => undefined
      : prepared.given ? (stream, chunk) => deps.withheldOutput?.(step.id, stream, deps.redactor.mask(chunk))
      : prepared.recheck ? (stream, chunk) => { held.push([stream, chunk]); }
      : (stream, chunk) => publishOutput(deps, step.id, stream, maskers[stream].push(chunk)),
    ask: (q) => deps.ask(q),
    mask: (t) => deps.redactor.mask(t),
    onProcess: (p) => deps.publish({ type: 'step-process', stepId: step.id, ...p }),
    // Recorded and compared with the parts of the login that came from a secret masked (url-secrets.ts).
    onTarget: (connection, target) => refusing(() => deps.identify?.(step.id, connection, maskAddress(target, prepared.login))),
    onLiveSessions: (connection, live) => refusing(() => deps.liveSessions?.(step.id, connection, live) ?? false),
    onSession: (connection, session) => deps.publish({ type: 'step-session', stepId: step.id, connection, session }),
  };
  // A target the run refuses (another server, a session of the interrupted run still running) stops the run
  // before anything is sent: the step did not run, so it is 'aborted' (run again on resume), whatever the
  // executor made of the refusal.
  let refused: string | undefined;
  const refusing = <T>(fn: () => T): T => {
    try { return fn(); } catch (e) { refused ??= deps.redactor.mask((e as Error).message); throw e; }
  };
  if (prepared.action.kind === 'sql' && limit !== undefined) prepared.action.timeoutMs = limit;
  try {
    // Kept as it is: later steps use the real values (a pasted URL, a fetched secret). Every event that
    // carries it is masked at the one publish point (Run.publish).
    const result = heldUntilRechecked(deps, step.id, prepared, held, maskers, await deps.executors.execute(prepared.action, ctx));
    if (refused === undefined) return result;
    const { classification: _none, ...rest } = result;
    return { ...rest, status: 'aborted', error: refused };
  } catch (e) {
    return { status: 'failed', durationMs: 0, classification: 'other', error: deps.redactor.mask(`executor crashed: ${(e as Error).message}`) };
  } finally {
    cancelTimer?.();
    outer.removeEventListener('abort', onAbort);
    for (const stream of ['stdout', 'stderr'] as const) publishOutput(deps, step.id, stream, maskers[stream].flush());
  }
}

/** A read looked at again once it ended: given what it met (its output to the screen's withheld view alone, the
 *  result withheld by step-taint.ts as if its text had said so), or its held output streamed now. */
function heldUntilRechecked(deps: StepRunnerDeps, stepId: string, prepared: Prepared, held: ['stdout' | 'stderr', string][],
  maskers: Record<'stdout' | 'stderr', StreamMasker>, result: StepResult): StepResult {
  const given = prepared.recheck?.() ?? [];
  if (!given.length) {
    for (const [stream, chunk] of held) publishOutput(deps, stepId, stream, maskers[stream].push(chunk));
    return result;
  }
  for (const [stream, chunk] of held) deps.withheldOutput?.(stepId, stream, deps.redactor.mask(chunk));
  return withSecretsRead({ ...result }, [...(secretsReadOf(result) ?? []), ...given]);
}

/** The time a step may take: its timeout, cut to what is left of the run's deadline. */
function stepLimit(deps: StepRunnerDeps, timeoutMs: number | undefined): number | undefined {
  const left = deps.deadline === undefined ? undefined : Math.max(0, deps.deadline - Date.now());
  if (timeoutMs === undefined) return left;
  return left === undefined ? timeoutMs : Math.min(timeoutMs, left);
}

/** A stream's masker: what it holds back (the start of a secret, perhaps) it releases by itself once the stream
 *  has been quiet a moment, while the step still runs. */
function masker(deps: StepRunnerDeps, stepId: string, stream: 'stdout' | 'stderr'): StreamMasker {
  return new StreamMasker(deps.redactor, (text) => publishOutput(deps, stepId, stream, text));
}

export function publishOutput(deps: Pick<StepRunnerDeps, 'publish'>, stepId: string, stream: 'stdout' | 'stderr', chunk: string): void {
  if (chunk) deps.publish({ type: 'step-output', stepId, stream, chunk });
}
