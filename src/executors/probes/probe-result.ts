// How every probe turns its outcome into a StepResult.
import { classify } from '../../db/classify.js';
import { abortedResult, failedResult } from '../outcome.js';
import type { Classification, ExecContext, StepResult } from '../types.js';

export function probeOk(startedAt: number, details: Record<string, unknown>): StepResult {
  return { status: 'ok', durationMs: Date.now() - startedAt, classification: 'ok', details };
}

/** A finding (refused, untrusted certificate, …) is a failed step; the engine's abort is not. */
export function probeFailed(
  ctx: ExecContext, startedAt: number, err: unknown, details: Record<string, unknown> = {}, classification?: Classification,
): StepResult {
  if (ctx.signal.aborted) return abortedResult(ctx, startedAt, { details });
  return failedResult(ctx, startedAt, classification ?? classify(err), err, { details });
}
