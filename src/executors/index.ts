// The executors of one run, dispatched by action kind. close() releases the run's database
// sessions and kills any script still running; the engine calls it on every exit path
// (it is idempotent and never throws).
import { RefusedServers } from '../db/refused-servers.js';
import { createManualExecutor } from './manual.js';
import { failedResult } from './outcome.js';
import { createProbeExecutor } from './probes/index.js';
import { createPromptExecutor } from './prompt.js';
import { createShellExecutor } from './shell.js';
import { createSqlExecutor } from './sql.js';
import type { Action, ExecContext, ExecutorSet, StepResult } from './types.js';

/** env: the run's environment (process env with --env-file on top); database credentials a URL leaves out
 *  (PGPASSWORD, MYSQL_PWD, …) are taken from it. Default: the process environment. withheld: variables no shell
 *  step of this run inherits whatever its runbook declares (a called runbook: its callers' inputs' variables).
 *  cancelGraceMs: how long an aborted SQL statement is cancelled on the server before its connection is dropped
 *  (db/canceller.ts). */
/** beforeAct: asked before a shell, SQL or probe action; a reason returned stops it (the run's driver lost the
 *  run to another: cli/team-store.ts), and the action is reported aborted without running. */
export function createExecutors(opts: { env?: Record<string, string | undefined>; withheld?: readonly string[]; cancelGraceMs?: number; beforeAct?: BeforeAct } = {}): ExecutorSet {
  const shell = createShellExecutor(opts.withheld);
  const refused = new RefusedServers(); // the run's: a login found running code is not made again by any step
  const sql = createSqlExecutor(opts.env, opts.cancelGraceMs, refused);
  const probe = createProbeExecutor(opts.env, refused);
  const manual = createManualExecutor(refused);
  const prompt = createPromptExecutor();
  return {
    async execute(action: Action, ctx: ExecContext): Promise<StepResult> {
      const startedAt = Date.now();
      try {
        if (opts.beforeAct && (action.kind === 'shell' || action.kind === 'sql' || action.kind === 'probe')) {
          const refused = await opts.beforeAct({ provenRead: ctx.provenRead === true, signal: ctx.signal });
          if (refused) return { status: 'aborted', durationMs: Date.now() - startedAt, error: refused };
        }
        switch (action.kind) {
          case 'shell': return await shell.execute(action, ctx);
          case 'sql': return await sql.execute(action, ctx);
          case 'probe': return await probe.execute(action, ctx);
          case 'manual': return await manual.execute(action, ctx);
          case 'prompt': return await prompt.execute(action, ctx);
          default: return failedResult(ctx, startedAt, 'other', `unknown action kind '${String((action as { kind?: unknown }).kind)}'`);
        }
      } catch (err) {
        // Executors return failures; this is the net for a bug, so the run still gets a result.
        return failedResult(ctx, startedAt, 'other', err);
      }
    },
    async close(): Promise<void> {
      await Promise.all([shell.close(), sql.close()]);
    },
  };
}

/** What the check before an action knows of it: whether its step is proven to only read (ExecContext), and the
 *  step's abort signal. */
export type BeforeAct = (action: { provenRead: boolean; signal: AbortSignal }) => Promise<string | undefined>;

export type { Action, ExecContext, Executor, ExecutorSet, StepResult, Classification } from './types.js';
