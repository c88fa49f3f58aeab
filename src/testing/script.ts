// The ExecutorSet of a test case: instead of running anything it hands back the case's recorded result
// for the step, so the real engine routes on it. Nothing touches a shell, a database or the network.
import type { Action, ExecContext, ExecutorSet, StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import type { CaseDoc, ScriptedResultDoc } from './cases-schema.js';

type Kind = Action['kind'] | 'runbook';

export class Script {
  private readonly attempts = new Map<string, number>();
  /** Steps that ran on a default result because the case scripts none. */
  readonly defaulted = new Set<string>();
  /** Gaps in the case that made a step fail, worded as the fix. */
  readonly problems: string[] = [];

  private readonly steps: NonNullable<CaseDoc['steps']>;
  constructor(steps: CaseDoc['steps']) { this.steps = steps ?? {}; }

  /** Called on every step-started event: results are served per attempt, not per executor call, so
   *  the polls of one wait attempt all see the same result. */
  started(stepId: string): void {
    this.attempts.set(stepId, (this.attempts.get(stepId) ?? 0) + 1);
  }

  readonly executors: ExecutorSet = {
    execute: async (action: Action, ctx: ExecContext) => this.resultFor(ctx.stepId, action, ctx.item),
    close: async () => undefined,
  };

  callRunbook = async (step: StepDoc): Promise<StepResult> => this.resultFor(step.id, undefined);

  /** `item`: a for_each step's item (its index in the list), served its own result when the case gives one. */
  private resultFor(stepId: string, action: Action | undefined, item?: number): StepResult {
    const given = this.steps[stepId];
    const list = given === undefined ? [] : Array.isArray(given) ? given : [given];
    const n = this.attempts.get(stepId) ?? 1;
    const scripted = list[Math.min(n, list.length) - 1];
    if (!scripted) this.defaulted.add(stepId);
    const { items, ...whole } = scripted ?? {};
    const mine = item !== undefined ? items?.[item] : undefined;
    return this.complete(stepId, action?.kind ?? 'runbook', mine ?? whole, action);
  }

  /** Fills in what a real executor of this kind always reports, so expressions see realistic data. */
  private complete(stepId: string, kind: Kind, r: ScriptedResultDoc, action: Action | undefined): StepResult {
    const failedByData = (r.exitCode !== undefined && r.exitCode !== 0 && r.exitCode !== null) || r.error !== undefined
      || (r.classification !== undefined && r.classification !== 'ok');
    const status = r.status ?? (failedByData ? 'failed' : 'ok');
    const out: StepResult = { status, durationMs: 0 };
    if (kind === 'shell') {
      Object.assign(out, { exitCode: r.exitCode ?? (status === 'ok' ? 0 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '' });
    } else {
      if (r.stdout !== undefined) out.stdout = r.stdout;
      if (r.stderr !== undefined) out.stderr = r.stderr;
      if (r.exitCode !== undefined) out.exitCode = r.exitCode;
    }
    if (kind === 'sql' || r.rows) {
      const rows = r.rows ?? [];
      Object.assign(out, { rows, rowCount: r.rowCount ?? rows.length, columns: r.columns ?? Object.keys(rows[0] ?? {}) });
    }
    const classification = r.classification ?? (status === 'timeout' ? 'timeout' : status === 'ok' ? (kind === 'probe' ? 'ok' : undefined) : 'other');
    if (classification !== undefined) out.classification = classification;
    if (status !== 'ok') out.error = r.error ?? defaultError(out, status, classification);
    if (r.details) out.details = r.details;
    const value = r.value !== undefined ? String(r.value) : status === 'ok' ? defaultAnswer(action) : undefined;
    if (value !== undefined) out.value = value;
    else if ((action?.kind === 'manual' || action?.kind === 'prompt') && status === 'ok') {
      const answer = action.choices ? `<one of ${action.choices.join(', ')}>` : '<the answer>';
      this.problems.push(`step '${stepId}' waits for the operator: script the answer, e.g. steps: { ${stepId}: { value: ${answer} } }`);
      this.defaulted.delete(stepId); // it did not succeed: the problem above says why
      return { status: 'failed', durationMs: 0, classification: 'other', error: `runbook test: no answer scripted for step '${stepId}'` };
    }
    return out;
  }
}

/** Worded as the real executors word it (shell: "exit code 2: <last stderr line>"). */
function defaultError(out: StepResult, status: string, classification: string | undefined): string {
  if (status === 'timeout') return 'timed out';
  if (out.exitCode !== undefined) {
    const last = (out.stderr ?? '').trimEnd().split('\n').pop()?.trim();
    return `exit code ${out.exitCode}${last ? `: ${last}` : ''}`;
  }
  return `scripted failure (${classification ?? 'other'})`;
}

/** done for a manual step without choices, a prompt's default, resolved for a called runbook; otherwise the case must say. */
function defaultAnswer(action: Action | undefined): string | undefined {
  if (action === undefined) return 'resolved'; // a called runbook: its outcome
  if (action.kind === 'manual' && !action.choices) return 'done';
  if (action.kind === 'prompt') return action.default;
  return undefined;
}
