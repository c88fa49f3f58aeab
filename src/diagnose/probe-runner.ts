// Runs probes and SQL through the same executors a runbook uses, with a context that never asks anyone.
import { createExecutors } from '../executors/index.js';
import type { Action, ExecContext, ExecutorSet, StepResult } from '../executors/types.js';
import type { ProbeName } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import { maskResult } from '../events/mask.js';

export class ProbeRunner {
  private readonly executors: ExecutorSet = createExecutors();
  constructor(private readonly url: string, private readonly timeoutMs: number, private readonly redactor: Redactor) {}

  probe(probe: ProbeName): Promise<StepResult> {
    return this.run({ kind: 'probe', probe, url: this.url, timeoutMs: this.timeoutMs });
  }

  sql(query: string): Promise<StepResult> {
    return this.run({ kind: 'sql', connection: 'diagnose', url: this.url, query, params: [], readOnly: true, timeoutMs: this.timeoutMs });
  }

  close(): Promise<void> { return this.executors.close(); }

  private async run(action: Action): Promise<StepResult> {
    // The executor's own timeout is the probe's; this outer limit only guards against a hung executor.
    const signal = AbortSignal.timeout(this.timeoutMs * 3 + 1000);
    const ctx: ExecContext = {
      stepId: `diagnose-${action.kind === 'probe' ? action.probe : 'pool'}`,
      signal,
      onOutput: () => undefined,
      ask: () => Promise.reject(new Error('diagnose asks no questions')),
      mask: (t) => this.redactor.mask(t),
    };
    return maskResult(this.redactor, await this.executors.execute(action, ctx));
  }
}
