// A called runbook's run, seen from the calling step: how its end becomes the step's result, and how a stop
// inside it stops the caller. One place for the CLI's real call and `runbook test`'s scripted one.
import type { StepResult } from '../executors/types.js';
import type { Run } from './run.js';

type Parent = Pick<Run, 'abort'>;

/** Runs the called run to its end and returns the calling step's result. A stop inside (an abort at a gate, a
 *  lost terminal) stops the whole calling run with the same outcome, not a failed step the caller routes on. */
export async function finishCalled(child: Run, parent: Parent, signal: AbortSignal, declaresOutputs: boolean, startedAt: number): Promise<StepResult> {
  const end = await child.start();
  const outcome = end.outcome;
  const stopped = outcome === 'aborted' || outcome === 'interrupted';
  if ((outcome === 'aborted' || outcome === 'interrupted') && !signal.aborted) parent.abort(end.message, outcome);
  const ok = end.outcome === 'resolved';
  const outputs = stopped || !declaresOutputs ? undefined : child.outputs();
  // An output the called runbook computed from a secret is marked so (run-data.ts runOutputs): the caller reads it
  // as a secret by where it came from, and its record reads `****` (step-taint.ts recordedResult); the others stay.
  return {
    status: ok ? 'ok' : stopped ? 'aborted' : 'failed', durationMs: Date.now() - startedAt, value: end.outcome,
    ...(ok ? { stdout: end.message } : { error: end.message }), ...(outputs ? { outputs } : {}),
  };
}
