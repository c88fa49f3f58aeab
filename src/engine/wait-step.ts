// A `wait` step: the same action polled every `every` until `until` holds over its result, or `for` (or the
// run's deadline) runs out; each poll that did not yet satisfy it is published as it was seen, masked.
import type { StepResult } from '../executors/types.js';
import type { Taint } from '../language/expression/index.js';
import type { StepDoc } from '../language/schema.js';
import { maskResult } from '../events/mask.js';
import { recordedResult, taintResult } from '../secrets/step-taint.js';
import { shellText } from './written-secrets.js';
import { plural } from '../common/plural.js';
import { inSandbox, type SandboxMode } from './dry-run-mode.js';
import { toMs } from './duration.js';
import { executeAction } from './execute-action.js';
import type { MachineContext } from './machine-types.js';
import { pollSummary } from './poll-summary.js';
import { DEFAULT_TIMEOUT_MS, preparePoll, type Prepared } from './prepare.js';
import { test } from './render.js';
import { scopeOf } from './scope.js';
import { isSecretStep, registerSecretResult } from './secret-step.js';
import type { StepRunnerDeps } from './step-runner-deps.js';
import { sleep } from './timer.js';

/** Polls an action until `until` holds or `for` runs out; `first` is the first poll, already announced. */
export async function waitStep(deps: StepRunnerDeps, taint: Taint, step: StepDoc, context: MachineContext, signal: AbortSignal, first: Prepared, sandbox: SandboxMode): Promise<StepResult> {
  const w = step.wait!;
  const started = Date.now();
  const every = toMs(w.every, 5000);
  // The run's deadline bounds the polling too, not only each poll.
  const until = Math.min(started + toMs(w.for, 300_000), deps.deadline ?? Infinity);
  const stepTimeout = toMs(step.timeout, DEFAULT_TIMEOUT_MS);
  for (let polls = 1; ; polls++) {
    let poll: Prepared;
    try {
      poll = polls === 1 ? first : preparePoll(deps.doc, step, scopeOf(context, undefined, taint));
    } catch (e) {
      return { status: 'failed', durationMs: Date.now() - started, classification: 'other', error: deps.redactor.mask(`cannot prepare poll ${polls}: ${(e as Error).message}`) };
    }
    if (polls > 1 && poll.target) deps.redactor.addUrl(poll.target);
    const session = deps.sessionSecrets?.taint(poll) ?? poll;
    const given = deps.writtenSecrets?.taint(step.id, session, shellText(step)) ?? session;
    const result = taintResult(await executeAction(deps, step, inSandbox(given, sandbox), signal, stepTimeout), given.given ?? []);
    deps.sessionSecrets?.ran(step.id, given);
    // A secret wait step's every poll is a secret from the moment it returns: the line that says what it saw is
    // published below, long before the step's last result is.
    if (isSecretStep(step)) registerSecretResult(deps.redactor, result, step);
    // The step's time is since its first poll, not the last poll's.
    if (signal.aborted) return { ...result, status: 'aborted', durationMs: Date.now() - started, details: { ...result.details, polls } };
    // A poll refused as not a read is refused again every time: the wait ends with the reason, not a timeout later.
    if (result.classification === 'not-read-only') return { ...result, durationMs: Date.now() - started, details: { ...result.details, polls } };
    let met = false;
    try { met = test(w.until, scopeOf(context, result, taint)).value; } catch (e) {
      return { ...result, status: 'failed', error: `wait condition failed: ${(e as Error).message}` };
    }
    const elapsed = Date.now() - started;
    const details = { ...result.details, polls };
    if (met) return { ...result, status: 'ok', durationMs: elapsed, details };
    if (Date.now() + every > until) {
      return { ...result, status: 'timeout', durationMs: elapsed, details, error: `condition '${w.until}' still false after ${plural(polls, 'poll')}` };
    }
    // Masked before it is cut to one short line: a secret cut in half no longer matches anything.
    deps.publish({ type: 'wait-polled', stepId: step.id, poll: polls, condition: w.until, last: pollSummary(maskResult(deps.redactor, recordedResult(result))),
      nextInMs: every, deadlineAt: new Date(until).toISOString() });
    await sleep(every, signal);
    // Stopped between polls: the last poll's result stands, no poll after the stop.
    if (signal.aborted) return { ...result, status: 'aborted', durationMs: Date.now() - started, details, error: 'aborted' };
  }
}
