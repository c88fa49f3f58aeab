// Carries out one step: prepares its action, applies timeout, retry, wait polling and dry run, and reports
// what happens as events. The machine decides which step; this decides nothing about routing.
import { timeoutError } from '../db/abort.js';
import type { ExecContext, ExecutorSet, Question, StepResult } from '../executors/types.js';
import type { RunbookDoc, StepDoc, WaitActionDoc } from '../language/schema.js';
import { stepById, stepKind } from '../language/flow.js';
import type { Redactor } from '../secrets/redactor.js';
import { StreamMasker } from '../secrets/stream-masker.js';
import type { RunEvent } from './events.js';
import type { MachineContext } from './machine-types.js';
import { scopeOf } from './scope.js';
import { test } from './render.js';
import { toMs } from './duration.js';
import { DEFAULT_TIMEOUT_MS, prepareProbe, prepareShell, prepareSql, prepareStep, type Prepared } from './prepare.js';
import { renderTemplate, renderTitle } from './render.js';
import type { Scope } from '../language/expression/index.js';

export interface StepRunnerDeps {
  doc: RunbookDoc;
  executors: ExecutorSet;
  redactor: Redactor;
  /** Masks every event it is given (Run.publish): nothing here masks what it publishes a second time. */
  publish(event: RunEvent): void;
  ask(question: Question): Promise<string>;
  dryRun: boolean;
  deadline?: number;                      // epoch ms
  callRunbook?(step: StepDoc, inputs: Record<string, string>, signal: AbortSignal): Promise<StepResult>;
}

export class StepRunner {
  constructor(private readonly deps: StepRunnerDeps) {}

  async run(stepId: string, context: MachineContext, signal: AbortSignal): Promise<StepResult> {
    const step = stepById(this.deps.doc, stepId)!;
    const kind = stepKind(step)!;
    const retry = step.retry;
    const attempts = retry?.attempts ?? 1;
    let result: StepResult = { status: 'failed', durationMs: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      result = await this.attempt(step, kind, context, signal, attempt);
      const retryable = result.status !== 'ok' && result.status !== 'aborted' && !signal.aborted
        && (!retry?.on || retry.on.includes(result.classification ?? result.status));
      const willRetry = retryable && attempt < attempts;
      this.deps.publish({ type: 'step-finished', stepId, result, attempt, ...(willRetry ? { willRetry } : {}) });
      if (!willRetry) break;
      await sleep(toMs(retry?.backoff, 1) * 2 ** (attempt - 1), signal);
    }
    return result;
  }

  private async attempt(step: StepDoc, kind: string, context: MachineContext, signal: AbortSignal, attempt: number): Promise<StepResult> {
    const started = Date.now();
    const scope = scopeOf(context);
    let prepared: Prepared | undefined;
    try {
      if (kind === 'wait') return await this.wait(step, step.wait!, context, signal, attempt);
      if (kind === 'runbook') return await this.call(step, context, signal, attempt);
      prepared = prepareStep(this.deps.doc, step, scope);
    } catch (e) {
      this.started(step, kind, attempt, undefined, scope);
      return { status: 'failed', durationMs: Date.now() - started, classification: 'other', error: this.deps.redactor.mask(`cannot prepare step: ${(e as Error).message}`) };
    }
    this.started(step, kind, attempt, prepared.command, scope);
    if (this.deps.dryRun && step.destructive) {
      this.deps.publish({ type: 'step-skipped', stepId: step.id, reason: 'dry-run', detail: prepared.command });
      // Counted as succeeded with no output, so the plan follows the path a real, approved run would take.
      return { status: 'ok', durationMs: 0, value: 'dry-run', details: { dryRun: true } };
    }
    const interactive = kind === 'manual' || kind === 'prompt';
    return this.execute(step, prepared, signal, interactive ? undefined : toMs(step.timeout, DEFAULT_TIMEOUT_MS));
  }

  private started(step: StepDoc, kind: string, attempt: number, command: string | undefined, scope: Scope): void {
    this.deps.publish({
      type: 'step-started', stepId: step.id, title: renderTitle(step.title, step.id, scope), kind: kind as never, attempt,
      destructive: step.destructive === true, ...(command !== undefined ? { command } : {}),
    });
  }

  /** Runs a prepared action under the step timeout and the run deadline; output is streamed masked. */
  private async execute(step: StepDoc, prepared: Prepared, outer: AbortSignal, timeoutMs: number | undefined): Promise<StepResult> {
    const limit = this.limit(timeoutMs);
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer.reason ?? new Error('aborted'));
    outer.addEventListener('abort', onAbort, { once: true });
    if (outer.aborted) onAbort();
    const timer = limit === undefined ? undefined : setTimeout(() => controller.abort(timeoutError('step timed out')), limit);
    const maskers = { stdout: this.masker(), stderr: this.masker() };
    const ctx: ExecContext = {
      stepId: step.id,
      signal: controller.signal,
      onOutput: (stream, chunk) => this.output(step.id, stream, maskers[stream].push(chunk)),
      ask: (q) => this.deps.ask(q),
      mask: (t) => this.deps.redactor.mask(t),
    };
    if (prepared.action.kind === 'sql' && limit !== undefined) prepared.action.timeoutMs = limit;
    try {
      // Kept as it is: later steps use the real values (a pasted URL, a fetched secret). Every event that
      // carries it is masked at the one publish point (Run.publish).
      return await this.deps.executors.execute(prepared.action, ctx);
    } catch (e) {
      return { status: 'failed', durationMs: 0, classification: 'other', error: this.deps.redactor.mask(`executor crashed: ${(e as Error).message}`) };
    } finally {
      if (timer) clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) this.output(step.id, stream, maskers[stream].flush());
    }
  }

  private limit(timeoutMs: number | undefined): number | undefined {
    const left = this.deps.deadline === undefined ? undefined : Math.max(0, this.deps.deadline - Date.now());
    if (timeoutMs === undefined) return left;
    return left === undefined ? timeoutMs : Math.min(timeoutMs, left);
  }

  private masker(): StreamMasker { return new StreamMasker(this.deps.redactor, Math.max(0, this.deps.redactor.longest - 1)); }

  private output(stepId: string, stream: 'stdout' | 'stderr', chunk: string): void {
    if (chunk) this.deps.publish({ type: 'step-output', stepId, stream, chunk });
  }

  /** Polls an action until `until` holds or `for` runs out. */
  private async wait(step: StepDoc, w: WaitActionDoc, context: MachineContext, signal: AbortSignal, attempt: number): Promise<StepResult> {
    const started = Date.now();
    const every = toMs(w.every, 5000);
    const until = started + toMs(w.for, 300_000);
    const scope = scopeOf(context);
    const doc = this.deps.doc;
    const stepTimeout = toMs(step.timeout, DEFAULT_TIMEOUT_MS);
    const prepare = (): Prepared => w.sql ? prepareSql(doc, w.sql, scope, true, stepTimeout)
      : w.shell !== undefined ? prepareShell(w.shell, scope) : prepareProbe(doc, w.probe!, w.with, scope, stepTimeout);
    const first = prepare();
    this.started(step, 'wait', attempt, `every ${every / 1000}s until ${w.until}: ${first.command}`, scope);
    for (let polls = 1; ; polls++) {
      const result = await this.execute(step, polls === 1 ? first : prepare(), signal, stepTimeout);
      if (signal.aborted) return { ...result, status: 'aborted' };
      let met = false;
      try { met = test(w.until, scopeOf(context, result)).value; } catch (e) {
        return { ...result, status: 'failed', error: `wait condition failed: ${(e as Error).message}` };
      }
      const elapsed = Date.now() - started;
      const details = { ...result.details, polls };
      if (met) return { ...result, status: 'ok', durationMs: elapsed, details };
      if (Date.now() + every > until) {
        return { ...result, status: 'timeout', durationMs: elapsed, details, error: `condition '${w.until}' still false after ${polls} polls` };
      }
      await sleep(every, signal);
    }
  }

  private async call(step: StepDoc, context: MachineContext, signal: AbortSignal, attempt: number): Promise<StepResult> {
    const call = step.runbook!;
    const scope = scopeOf(context);
    const inputs = Object.fromEntries(Object.entries(call.inputs ?? {}).map(([k, v]) => [k, typeof v === 'string' ? renderTemplate(v, scope) : String(v)]));
    this.started(step, 'runbook', attempt, `runbook ${call.name}`, scope);
    if (!this.deps.callRunbook) return { status: 'failed', durationMs: 0, error: 'calling another runbook is not available here' };
    return this.deps.callRunbook(step, inputs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
