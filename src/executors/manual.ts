// manual: the operator does something by hand and answers "done" or one of the choices.
import { raceAbort } from '../db/abort.js';
import type { RefusedServers } from '../db/refused-servers.js';
import { abortedResult, failedResult } from './outcome.js';
import type { Executor, ManualAction } from './types.js';

export function createManualExecutor(refused?: RefusedServers): Executor<ManualAction> {
  return {
    async execute(action, ctx) {
      const startedAt = Date.now();
      try {
        const value = await raceAbort(ctx.ask({ stepId: ctx.stepId, action }), ctx.signal);
        refused?.forgetFailed(); // done by hand: a failed init_connect may be fixed, and the next login may show it
        return { status: 'ok', durationMs: Date.now() - startedAt, value };
      } catch (err) {
        return ctx.signal.aborted ? abortedResult(ctx, startedAt) : failedResult(ctx, startedAt, 'other', err);
      }
    },
  };
}
