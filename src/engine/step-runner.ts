// Carries out one step: prepares its action, applies timeout, retry, wait polling and dry run, and reports
// what happens as events. The machine decides which step; this decides nothing about routing. How one action
// runs is execute-action.ts; how a wait step polls, wait-step.ts.
import type { StepResult } from '../executors/types.js';
import { sandboxAvailable } from '../executors/sandbox.js';
import type { StepDoc } from '../language/schema.js';
import { stepById, stepKind } from '../language/flow.js';
import { MAX_DURATION_MS } from '../language/duration.js';
import type { Scope, Taint } from '../language/expression/index.js';
import { taintFor } from '../secrets/taint.js';
import { recordedResult, taintResult } from '../secrets/step-taint.js';
import { plural } from '../common/plural.js';
import type { DryRunMode } from './events.js';
import type { LoopItem, MachineContext } from './machine-types.js';
import { itemDetails, loopItems, LoopError, loopPlan, loopResult, type LoopPlan } from './loop.js';
import { scopeOf } from './scope.js';
import { isSecretStep, registerSecretResult } from './secret-step.js';
import { toMs } from './duration.js';
import { DEFAULT_TIMEOUT_MS, prepareStep, unconfirmed, type Prepared } from './prepare.js';
import { dryRunMode, DRY_RUN_RESULT, inSandbox } from './dry-run-mode.js';
import { sleep } from './timer.js';
import { renderFlow, renderTitle } from './render.js';
import { MASK } from '../secrets/redactor.js';
import { computeVars, varsResult } from './vars.js';
import { executeAction, publishOutput } from './execute-action.js';
import { waitStep } from './wait-step.js';
import { WrittenSecrets, shellText } from './written-secrets.js';
import { retriesOn } from './retry-on.js';
import type { StepRunnerDeps } from './step-runner-deps.js';
import { favourMemory } from '../common/v8-flags.js';
import { restPgParserNow } from '../language/sql/pg-parser.js';

export type { StepRunnerDeps } from './step-runner-deps.js';

export class StepRunner {
  /** Values computed from secrets are secrets (secrets/taint.ts). */
  private readonly taint: Taint;
  constructor(private readonly deps: StepRunnerDeps) { this.taint = taintFor(deps.redactor); }

  async run(stepId: string, context: MachineContext, signal: AbortSignal): Promise<StepResult> {
    const step = stepById(this.deps.doc, stepId)!;
    const kind = stepKind(step)!;
    if (step.for_each) return this.loop(step, kind, context, signal);
    const retry = step.retry;
    const attempts = retry?.attempts ?? 1;
    let result: StepResult = { status: 'failed', durationMs: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      result = await this.attempt(step, kind, context, signal, attempt);
      if (isSecretStep(step)) registerSecretResult(this.deps.redactor, result, step);
      const retryable = retriesOn(retry, result) && !signal.aborted;
      const willRetry = retryable && attempt < attempts;
      this.deps.publish({ type: 'step-finished', stepId, result, attempt, ...(willRetry ? { willRetry } : {}) });
      if (!willRetry) break;
      await sleep(Math.min(toMs(retry?.backoff, 1) * 2 ** (attempt - 1), MAX_DURATION_MS), signal);
    }
    return result;
  }

  private async attempt(step: StepDoc, kind: string, context: MachineContext, signal: AbortSignal, attempt: number): Promise<StepResult> {
    const started = Date.now();
    const scope = scopeOf(context, undefined, this.taint);
    let prepared: Prepared;
    try {
      // A called runbook runs with this run's dry-run flag: its own steps follow these rules one by one.
      if (kind === 'runbook') return await this.call(step, context, signal, attempt);
      if (kind === 'vars') return this.vars(step, kind, attempt, scope, started);
      prepared = prepareStep(this.deps.doc, step, scope);
    } catch (e) {
      this.started(step, kind, attempt, undefined, scope);
      return { status: 'failed', durationMs: Date.now() - started, classification: 'other', error: this.deps.redactor.mask(`cannot prepare step: ${(e as Error).message}`) };
    }
    // The password of the URL a step connects to is a secret wherever the URL came from (a default, a value
    // built by a template): registered before anything about the step is shown.
    if (prepared.target) this.deps.redactor.addUrl(prepared.target);
    const dry = this.dryRunOf(step, prepared);
    this.started(step, kind, attempt, prepared.command, scope, dry?.mode, prepared);
    if (this.deps.recordingFailed?.()) return NOT_STARTED;
    return this.act(step, kind, prepared, context, signal, dry);
  }

  /** A vars step runs nothing (in a dry run too): it computes its values from the run's data. */
  private vars(step: StepDoc, kind: string, attempt: number, scope: Scope, started: number): StepResult {
    this.started(step, kind, attempt, Object.entries(step.vars ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n'), scope);
    try {
      return varsResult(computeVars(step, scope), Date.now() - started);
    } catch (e) {
      return { status: 'failed', durationMs: Date.now() - started, classification: 'other', error: this.deps.redactor.mask((e as Error).message) };
    }
  }

  private dryRunOf(step: StepDoc, prepared: Prepared): ReturnType<typeof dryRunMode> {
    return this.deps.dryRun ? dryRunMode(step, prepared.action, (this.deps.canSandbox ?? sandboxAvailable)()) : undefined;
  }

  /** Runs a prepared action as the dry-run mode says: shown (not run), in the sandbox, or for real. */
  private async act(step: StepDoc, kind: string, prepared: Prepared, context: MachineContext, signal: AbortSignal, dry: ReturnType<typeof dryRunMode>, item?: number): Promise<StepResult> {
    if (dry?.mode === 'shown') {
      this.deps.publish({ type: 'step-skipped', stepId: step.id, reason: 'dry-run', detail: prepared.command, because: dry.because });
      return DRY_RUN_RESULT;
    }
    const sandbox = dry?.mode === 'sandboxed' ? 'network' : undefined;
    if (kind === 'wait') return waitStep(this.deps, this.taint, step, context, signal, prepared, sandbox);
    const interactive = kind === 'manual' || kind === 'prompt';
    const session = this.deps.sessionSecrets?.taint(prepared) ?? prepared;
    const given = this.deps.writtenSecrets?.taint(step.id, session, shellText(step)) ?? session;
    const result = await executeAction(this.deps, step, inSandbox(given, sandbox), signal, interactive ? undefined : toMs(step.timeout, DEFAULT_TIMEOUT_MS), item);
    this.deps.sessionSecrets?.ran(step.id, given);
    const tainted = taintResult(result, given.given ?? []);
    if (tainted.withheld && prepared.action.kind !== 'shell') this.showWithheld(step.id, tainted);
    return tainted;
  }

  /** What a step given a secret returned besides its streams (an SQL step's rows, the server's error), for the
   *  screen's withheld view alone: the exact secrets in it masked. */
  private showWithheld(stepId: string, r: StepResult): void {
    const say = (stream: 'stdout' | 'stderr', text: string) => this.deps.withheldOutput?.(stepId, stream, `${this.deps.redactor.mask(text)}\n`);
    for (const row of (r.rows ?? []).slice(0, 200)) say('stdout', JSON.stringify(row));
    if (r.value) say('stdout', r.value);
    if (r.error) say('stderr', r.error);
  }

  /** A for_each step: the same action once per item, in order, each with the step's timeout and retries. A
   *  destructive one acts only on the list approved at its gate; a resumed one skips the items that finished. */
  private async loop(step: StepDoc, kind: string, context: MachineContext, signal: AbortSignal): Promise<StepResult> {
    const started = Date.now();
    // A loop may run for minutes: from its plan on (10,000 prepared items would grow V8's young generation for
    // good), the process keeps its heap small rather than collect less often (common/v8-flags.ts).
    favourMemory();
    const scope = scopeOf(context, undefined, this.taint);
    const resumed = context.resumedLoop?.stepId === step.id ? context.resumedLoop : undefined;
    const done = Object.values(resumed?.done ?? {});
    let plan: LoopPlan;
    try {
      plan = loopPlan(this.deps.doc, step, context, step.destructive ? this.approved(step, context) : undefined, this.taint);
    } catch (e) {
      this.started(step, kind, 1, undefined, scope);
      const result: StepResult = { status: 'failed', durationMs: Date.now() - started, classification: 'other', error: this.deps.redactor.mask((e as Error).message) };
      this.deps.publish({ type: 'step-finished', stepId: step.id, result, attempt: 1 });
      return result;
    }
    const { items, prepared } = plan;
    for (const p of prepared) if (p.target) this.deps.redactor.addUrl(p.target);
    const total = items.length + done.length;
    const first = prepared[0];
    const dry = first ? this.dryRunOf(step, first) : undefined;
    this.started(step, kind, 1, first ? `${first.command}\n-- for each of ${plural(items.length, 'item')}${done.length ? ` (${done.length} already done)` : ''}` : `no items (${step.for_each!.in})`, scope, dry?.mode, first);
    let result: StepResult;
    if (dry?.mode === 'shown' && step.destructive) {
      this.deps.publish({ type: 'step-skipped', stepId: step.id, reason: 'dry-run', detail: first!.command, because: dry.because,
        items: itemDetails(prepared, items).map((detail, i) => ({ label: items[i]!.label, detail })) });
      result = DRY_RUN_RESULT;
    } else {
      // An item of a secret's list is recorded as the mask (a resume then refuses to act on it, as on any lost value).
      this.deps.publish({ type: 'loop-started', stepId: step.id, items: (resumed?.items ?? items).map(({ index, label, value, secret }) => ({ index, label, value: secret ? MASK : value })) });
      const outcomes = [...done].sort((a, b) => a.index - b.index);
      for (const [i, item] of items.entries()) {
        // An abort stops between items (the one running is cancelled by the signal); so does a lost record.
        if (signal.aborted || this.deps.recordingFailed?.()) break;
        const r = stripItems(await this.item(step, kind, prepared[i]!, item, context, signal));
        // An item the stop cut short (or that never got to act) did not finish: it is in flight, and a resume
        // runs it again behind the step's gate, saying it may have partly run. Only what happened is recorded.
        if (r.status === 'aborted') break;
        outcomes.push({ index: item.index, label: item.label, result: r });
        // The first item met the server; the rest read its statement from the caches (pg-parser.ts).
        if (outcomes.length === done.length + 1) restPgParserNow();
        this.deps.publish({ type: 'item-finished', stepId: step.id, index: item.index, label: item.label, result: r });
      }
      result = loopResult(outcomes, total, Date.now() - started);
      // Stopped before every item had finished: the step is in flight, not failed.
      if (outcomes.length < total) {
        result = { ...result, status: 'aborted', error: `stopped after ${outcomes.length} of ${plural(total, 'item')}; the rest did not finish` };
      }
    }
    this.deps.publish({ type: 'step-finished', stepId: step.id, result, attempt: 1 });
    return result;
  }

  /** The approved list, or — when the machine let the step through without a gate — the list worked out
   *  now, which must be empty or fail: a destructive for_each never acts on items no one approved. */
  private approved(step: StepDoc, context: MachineContext): LoopItem[] {
    const approved = this.deps.approvedItems?.(step.id);
    if (approved) return approved;
    const items = loopItems(this.deps.doc, step, context, this.taint);
    if (items.length) throw new LoopError(`no approval covers the ${plural(items.length, 'item')} of this step; nothing was run`);
    return items;
  }

  /** One item, retried like a step (retry.attempts per item); the item's result. */
  private async item(step: StepDoc, kind: string, prepared: Prepared, item: LoopItem, context: MachineContext, signal: AbortSignal): Promise<StepResult> {
    const retry = step.retry;
    const attempts = retry?.attempts ?? 1;
    let result: StepResult = { status: 'failed', durationMs: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      result = await this.act(step, kind, prepared, context, signal, this.dryRunOf(step, prepared), item.index);
      if (isSecretStep(step)) registerSecretResult(this.deps.redactor, result, step);
      const retryable = retriesOn(retry, result) && !signal.aborted;
      if (!retryable || attempt === attempts) break;
      // Said as the record says it: an item given a secret failed with its error withheld (a probe of stop 80 read
      // `exit code 145: q84z` of a PIN here).
      publishOutput(this.deps, step.id, 'stderr', `item ${item.index + 1} (${item.label}) failed: ${recordedResult(result).error ?? result.status}; retrying\n`);
      await sleep(Math.min(toMs(retry?.backoff, 1) * 2 ** (attempt - 1), MAX_DURATION_MS), signal);
    }
    return result;
  }

  private started(step: StepDoc, kind: string, attempt: number, command: string | undefined, scope: Scope, dryRun?: DryRunMode, prepared?: Prepared): void {
    const where = prepared?.action.kind === 'shell' ? prepared.target : undefined;
    // A step that acts (destructive, or vouched for) is shown as it runs: its values masked by flow, its own text
    // whole (events/schema.ts, Shown). A proven read cannot act: its text is masked by value as well, so a
    // credential written into a runbook's read stays off the screen.
    const shown = command !== undefined && unconfirmed(step) ? this.deps.redactor.mask(command) : command;
    // A step given a secret that may write: from now on the run's reads may meet it (written-secrets.ts); recorded,
    // so a resumed run knows it too. A dry run that only shows the step writes nothing.
    const writes = prepared !== undefined && dryRun !== 'shown' && WrittenSecrets.writes(prepared);
    if (writes) this.deps.writtenSecrets?.began(step.id);
    this.deps.publish({
      type: 'step-started', stepId: step.id, title: renderTitle(step.title, step.id, scope), kind: kind as never, attempt,
      destructive: step.destructive === true, ...(shown !== undefined ? { command: shown } : {}), ...(dryRun ? { dryRun } : {}),
      ...(where !== undefined ? { where } : {}), ...(writes ? { writes } : {}),
    });
  }

  private async call(step: StepDoc, context: MachineContext, signal: AbortSignal, attempt: number): Promise<StepResult> {
    const call = step.runbook!;
    const scope = scopeOf(context, undefined, this.taint);
    const filled = Object.entries(call.inputs ?? {}).map(([k, v]) => [k, typeof v === 'string' ? renderFlow(v, scope) : { text: String(v), tainted: false }] as const);
    const inputs = Object.fromEntries(filled.map(([k, f]) => [k, f.text]));
    // A value that holds a secret is a secret as a whole in the called runbook, whether or not its input is
    // declared secret there (`db: "${{ inputs.url }}?sslmode=require"` is masked whole, not only its password).
    for (const v of Object.values(inputs)) if (this.deps.redactor.contains(v)) this.deps.redactor.addValue(v);
    // And one a secret flowed into (two digits of a PIN: no value the redactor can mask) is one by where it came
    // from: the called run reads it as a secret input (a probe of stop 78 had a callee echo it in clear).
    const secret = filled.filter(([, f]) => f.tainted).map(([k]) => k);
    this.started(step, 'runbook', attempt, `runbook ${call.name}`, scope);
    if (!this.deps.callRunbook) return { status: 'failed', durationMs: 0, error: 'calling another runbook is not available here' };
    return this.deps.callRunbook(step, inputs, signal, secret);
  }
}

/** A step whose start could not be recorded: it never acted, and a resume runs it. */
const NOT_STARTED: StepResult = { status: 'aborted', durationMs: 0, error: 'not started: its start could not be recorded' };

function stripItems(r: StepResult): Omit<StepResult, 'items'> {
  const { items: _nested, ...rest } = r;
  return rest;
}
