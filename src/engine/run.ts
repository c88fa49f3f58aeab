// A run: the compiled machine as an actor, the step runner behind it, and the operator's answers coming
// back in. Subscribers see masked events only. The run is the single source of truth for its state.
import { scopeOf } from './scope.js';
import { createActor, type Actor } from 'xstate';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Question } from '../executors/types.js';
import { compileRunbook, type ExecuteStep, type RunbookMachine } from './compile.js';
import type { ConfirmAnswer, ConfirmationAnswered, ConfirmDetails, RunEvent, RunEventListener, RunFinished, StopOutcome, AnswerHow } from './events.js';
import { RunPublisher } from './run-publisher.js';
import { ABORTED, FAILED, FINISHED, PHASE, type LoopItem, type MachineContext, type MachineEvent, type MachineOutput } from './machine-types.js';
import { StepRunner } from './step-runner.js';
import { describeGate, type PendingGate } from './gate.js';
import { TargetGuard } from './target-guard.js';
import type { TargetFingerprint } from '../executors/fingerprint.js';
import type { ServerSessionId } from '../db/server-session.js';
import { connectionAddresses } from './connection-addresses.js';
import { taintFor } from '../secrets/taint.js';
import { operatorName } from '../common/operator-name.js';
import { fourEyesAllows } from './four-eyes.js';
import { relabel, relabelGate, relabelQuestion } from './relabel.js';
import { runOutputs, startContext } from './run-data.js';
import { shownInputs } from './inputs.js';
import type { PendingQuestion, ResumeState, RunOptions } from './run-options.js';
import { SessionSecrets } from './session-secrets.js';
import { WrittenSecrets } from './written-secrets.js';
import { resolvedNow } from './resumed-check.js';
import { applicationWorks } from './application-check.js';
import { isCheck } from '../language/check-step.js';
import { stepById } from '../language/flow.js';

export type { PendingQuestion, ResumeState, RunOptions } from './run-options.js';

export type WithheldOutputListener = (stepId: string, stream: 'stdout' | 'stderr', chunk: string) => void;

export class Run {
  readonly runId = randomUUID();
  readonly operator: string;
  private readonly machine: RunbookMachine;
  private actor?: Actor<RunbookMachine>;
  private gate?: PendingGate;
  private readonly questions = new Map<string, PendingQuestion>();
  private inFlight = new Set<Promise<unknown>>();
  /** A check (language/check-step.ts) finished in this process: a resumed run's `resolved` rests on it. */
  private checkedHere = false;
  /** Stops the check a resumed run runs again before it ends resolved (resumed-check.ts). */
  private readonly recheckAbort = new AbortController();
  private readonly children = new Map<string, Run>();
  private readonly withheldListeners = new Set<WithheldOutputListener>();
  private started = 0;
  private executeStep: ExecuteStep = async () => ({ status: 'failed', durationMs: 0, error: 'the run has not started' });
  private finished?: RunFinished;
  readonly targets: TargetGuard;
  private nestedResume: Map<string, ResumeState>;
  private stopOutcome?: StopOutcome;
  private stopReason?: string;
  /** for_each lists approved at their gate, by step id; the runner takes each once (engine/loop.ts). */
  private readonly approved = new Map<string, LoopItem[]>();
  /** Connections whose sessions a step gave a secret: later steps on them are given it too (session-secrets.ts). */
  private readonly sessionSecrets = new SessionSecrets();
  /** Steps given a secret that may write: later reads may meet it (written-secrets.ts). A called runbook's run
   *  shares its caller's: one machine, one run's writes. */
  readonly written: WrittenSecrets;

  /** Counts, masks and fans out every event; a critical listener that fails stops the run (run-publisher.ts). */
  private readonly events: RunPublisher;

  constructor(private readonly opts: RunOptions) {
    this.events = new RunPublisher(opts.redactor, (reason) => this.abort(reason, 'interrupted'));
    this.operator = opts.operator ?? operatorName();
    this.targets = opts.targets ?? TargetGuard.create();
    // Nothing was sent to the other target: the run can go on once the operator decides (resume, --retarget).
    this.targets.onChange((reason) => this.abort(reason, 'interrupted'));
    this.written = opts.written ?? new WrittenSecrets(opts.resume?.written);
    this.nestedResume = new Map(Object.entries(opts.resume?.nested ?? {}));
    const skip = new Set((opts.skip ?? []).filter((id) => !id.includes('/')));
    this.machine = compileRunbook(opts.runbook.doc, (input, signal) => this.executeStep(input, signal), taintFor(opts.redactor), skip);
  }

  /** What steps given a secret printed (secrets/step-taint.ts), for the screen alone: never an event, never recorded. */
  onWithheldOutput(fn: WithheldOutputListener): () => void {
    this.withheldListeners.add(fn);
    return () => { this.withheldListeners.delete(fn); };
  }

  private withheldOutput(stepId: string, stream: 'stdout' | 'stderr', chunk: string): void {
    for (const fn of [...this.withheldListeners]) fn(stepId, stream, chunk);
  }

  /** critical listeners (the transcript) stop the run if they fail: nothing runs without a record. */
  on(fn: RunEventListener, options: { critical?: boolean } = {}): () => void {
    return this.events.on(fn, options);
  }

  /** The gate waiting for an answer, this run's or a called runbook's (its step id under the calling step). */
  get pendingGate(): PendingGate | undefined {
    if (this.gate) return this.gate;
    for (const [calling, child] of this.children) {
      const g = child.pendingGate;
      if (g) return relabelGate(g, calling);
    }
    return undefined;
  }
  /** Questions waiting for an answer: this run's and its called runbooks' (step ids under the calling step),
   *  so a UI that checks "is this still asked?" sees a nested question too. */
  get pendingQuestions(): PendingQuestion[] {
    const nested = [...this.children].flatMap(([calling, child]) => child.pendingQuestions.map((q) => relabelQuestion(q, calling)));
    return [...this.questions.values(), ...nested];
  }
  get result(): RunFinished | undefined { return this.finished; }
  /** How this run was told to stop, once it was: a called runbook in flight stops the same way. */
  get stopping(): StopOutcome | undefined { return this.stopOutcome; }

  async start(): Promise<RunFinished> {
    this.started = Date.now();
    const { runbook, dryRun = false } = this.opts;
    const runner = this.stepRunner();
    this.executeStep = (input, signal) => this.track(runner.run(input.stepId, input.context, signal));
    const machine = this.machine;
    const resume = this.opts.resume;
    const context = startContext(runbook.doc, this.opts.inputs, dryRun, resume, taintFor(this.opts.redactor));
    this.publish({
      type: 'run-started', runId: this.runId, dryRun,
      runbook: { name: runbook.doc.name, title: runbook.doc.title, file: runbook.file, sha256: runbook.sha256 },
      inputs: shownInputs(this.opts.inputs), ...(this.opts.target ? { target: this.opts.target } : {}),
      ...(this.opts.resume ? { resumedFrom: this.opts.resume.stepId } : {}),
    });
    const addresses = connectionAddresses(runbook.doc, scopeOf(context, undefined, taintFor(this.opts.redactor)), this.opts.env ?? process.env);
    if (Object.keys(addresses).length) this.publish({ type: 'connection-addresses', connections: addresses });
    // What finished before the interruption keeps its recorded result and is not run again: say so.
    for (const [stepId, result] of Object.entries(resume?.context.results ?? {})) this.publish({ type: 'already-ran', stepId, status: result.status });
    if (this.fatal) return this.finish({ outcome: 'interrupted', message: this.fatal });
    // Told to stop before it began (a signal while it was being set up): recorded, and nothing runs.
    if (this.stopOutcome) return this.finish({ outcome: this.stopOutcome, message: this.stopReason ?? 'Stopped before the first step.' });
    const snapshot = resume
      ? machine.resolveState({ value: { [resume.stepId]: resume.phase === 'route' ? PHASE.route : PHASE.enter }, context })
      : undefined;
    const actor = createActor(machine, snapshot ? { snapshot, input: context } : { input: context });
    this.actor = actor as unknown as Actor<RunbookMachine>;
    actor.on('*', (e) => this.publish(e as RunEvent));
    const done = new Promise<MachineOutput>((resolve) => {
      actor.subscribe({
        next: (s) => { this.onSnapshot(s.value, s.context); if (s.status === 'done') resolve(s.output!); },
        error: (err) => resolve({ outcome: 'failed', message: `internal error: ${(err as Error).message}` }),
      });
    });
    actor.start();
    // A restored snapshot is at rest: xstate evaluates eventless transitions (enter → gate/running,
    // route → next step) only after an event, so nudge it with one no state handles.
    if (snapshot) actor.send({ type: 'RESUME' } as unknown as MachineEvent);
    const reached = await done;
    await Promise.allSettled([...this.inFlight]);
    const ended = actor.getSnapshot().context as MachineContext;
    const rechecked = resume && !this.fatal && !this.stopOutcome ? await resolvedNow(reached, {
      context: ended, checkedHere: this.checkedHere,
      doc: runbook.doc, taint: taintFor(this.opts.redactor),
      run: (stepId, context) => this.track(runner.run(stepId, context, this.recheckAbort.signal)),
    }) : reached;
    const output = !this.fatal && !this.stopOutcome ? await this.applicationCheck(rechecked, ended) : rechecked;
    // Stopped while the check ran again: the stop is how it ended, not the check's answer.
    return this.finish(this.stopOutcome && output !== reached ? { outcome: this.stopOutcome, message: this.stopReason ?? 'Stopped.' } : output);
  }

  /** "Resolved" only if the application's own URL keeps logging in at the end (application-check.ts). */
  private applicationCheck(output: MachineOutput, context: MachineContext): Promise<MachineOutput> {
    const signal = this.recheckAbort.signal;
    return applicationWorks(output, {
      doc: this.opts.runbook.doc, called: this.opts.called === true, scope: scopeOf(context, undefined, taintFor(this.opts.redactor)), signal,
      started: (holdMs, everyMs) => this.publish({ type: 'application-check', holdMs, everyMs }),
      login: (url, stepId, timeoutMs) => this.track(this.opts.executors.execute({ kind: 'probe', probe: 'db-connect', url, timeoutMs }, {
        stepId, signal, provenRead: true, onOutput: () => undefined, ask: async () => '', mask: (text) => this.opts.redactor.mask(text),
      })),
    });
  }

  confirm(stepId: string, answer: ConfirmAnswer, how: ConfirmationAnswered['how'] = 'key', details: ConfirmDetails = {}): boolean {
    const gate = this.gate;
    if (!gate || gate.stepId !== stepId) return this.forChild(stepId, (child, rest) => child.confirm(rest, answer, how, details));
    if (!fourEyesAllows(gate.event, answer, how, details)) return false;
    this.gate = undefined;
    // Recorded before it takes effect: a destructive step never runs without its answer on disk.
    this.publish({ type: 'confirmation-answered', stepId, answer, by: this.operator, how, waitedMs: Date.now() - gate.askedAt, ...details });
    if (this.fatal) return true;
    if (answer === 'abort') this.abort(`Aborted by ${this.operator} at the confirmation of '${stepId}'.`);
    else {
      // The approval covers exactly the items the gate listed: the runner acts on this list, never a new one.
      if (answer === 'yes' && gate.items) this.approved.set(stepId, gate.items);
      else this.approved.delete(stepId);
      this.actor?.send(answer === 'yes' ? { type: 'CONFIRM', stepId } : { type: 'SKIP', stepId });
    }
    return true;
  }

  answer(questionId: string, value: string, how?: AnswerHow): boolean {
    const q = this.questions.get(questionId);
    if (!q) return [...this.children.values()].some((child) => child.answer(questionId, value, how));
    this.questions.delete(questionId);
    const action = q.question.action;
    const secret = action.kind === 'prompt' && action.secret;
    if (secret) this.opts.redactor.addValue(value);
    // An empty answer to a prompt with a default takes the default (the executor puts it in): recorded as such.
    const given = value === '' && action.kind === 'prompt' && action.default !== undefined ? action.default : value;
    this.publish({
      type: 'question-answered', questionId, stepId: q.question.stepId, answer: secret ? this.opts.redactor.mask(given) : given,
      ...(how ? { how } : {}), waitedMs: Date.now() - q.askedAt,
    });
    q.resolve(value);
    return true;
  }

  note(text: string, stepId?: string): void {
    this.publish({ type: 'note', text, by: this.operator, ...(stepId ? { stepId } : {}) });
  }

  /** Ends the run: the running step's process tree is killed / its query cancelled. `failed` is for a run
   *  that had to stop (e.g. an unapproved step in plain mode) rather than one the operator aborted;
   *  `interrupted` for one that lost its terminal or was told to stop by the system (resumable). */
  abort(reason = `Aborted by ${this.operator}.`, outcome: StopOutcome = 'aborted'): void {
    this.gate = undefined;
    this.stopOutcome ??= outcome;
    this.stopReason ??= reason;
    this.recheckAbort.abort(new Error(reason));
    this.actor?.send({ type: 'ABORT', reason, outcome });
  }

  /** The --skip ids for the runbook called by `stepId`, relative to it. */
  skipsUnder(stepId: string): string[] {
    const prefix = `${stepId}/`;
    return (this.opts.skip ?? []).filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  }

  /** Where the runbook called by `stepId` continues, the first time it is called after a resume (then never). */
  takeNestedResume(stepId: string): ResumeState | undefined {
    const state = this.nestedResume.get(stepId);
    this.nestedResume.delete(stepId);
    return state;
  }

  /** A called runbook runs inside this run: its events appear here with step ids under the calling step
   *  (`call-step/child-step`), and answers for those ids are passed down. */
  adopt(child: Run, callingStep: string): () => void {
    this.children.set(callingStep, child);
    // A record this run could not write is the called run's too: it must act no further either.
    const off = child.on((e) => {
      const relabelled = relabel(e, callingStep);
      if (relabelled) this.publish(relabelled);
      if (this.fatal) throw new Error(this.fatal);
    }, { critical: true });
    const offWithheld = child.onWithheldOutput((stepId, stream, chunk) => this.withheldOutput(`${callingStep}/${stepId}`, stream, chunk));
    return () => { off(); offWithheld(); this.children.delete(callingStep); };
  }

  private forChild(stepId: string, fn: (child: Run, rest: string) => boolean): boolean {
    const slash = stepId.indexOf('/');
    const child = slash > 0 ? this.children.get(stepId.slice(0, slash)) : undefined;
    return child ? fn(child, stepId.slice(slash + 1)) : false;
  }

  private stepRunner(): StepRunner {
    return new StepRunner({
      doc: this.opts.runbook.doc,
      executors: this.opts.executors,
      redactor: this.opts.redactor,
      publish: (e) => this.publish(e),
      withheldOutput: (stepId, stream, chunk) => this.withheldOutput(stepId, stream, chunk),
      ask: (q) => this.ask(q),
      dryRun: this.opts.dryRun ?? false,
      recordingFailed: () => this.fatal !== undefined,
      sessionSecrets: this.sessionSecrets,
      writtenSecrets: this.written,
      approvedItems: (stepId) => { const items = this.approved.get(stepId); this.approved.delete(stepId); return items; },
      ...(this.opts.deadlineMs !== undefined ? { deadline: Date.now() + this.opts.deadlineMs } : {}),
      ...(this.opts.callRunbook ? { callRunbook: this.opts.callRunbook } : {}),
      ...(this.opts.canSandbox ? { canSandbox: this.opts.canSandbox } : {}),
      identify: (stepId, connection, target) => this.identify(stepId, connection, target),
      liveSessions: (stepId, connection, live) => this.targets.guarded(() => this.targets.liveSessions(connection, stepId, live)),
    });
  }

  /** First contact with a target: recorded; another target than the run's stops the run (nothing is sent to it).
   *  Returns the interrupted run's server sessions to look for there. */
  private identify(stepId: string, connection: string, target: TargetFingerprint): ServerSessionId[] {
    return this.targets.guarded(() => {
      if (this.targets.check(connection, target)) this.publish({ type: 'target-identified', stepId, connection, target });
      return this.targets.sessionsToCheck(connection);
    });
  }

  private ask(question: Question): Promise<string> {
    return new Promise((resolve) => {
      const questionId = randomUUID();
      this.questions.set(questionId, { questionId, question, askedAt: Date.now(), resolve });
      // A secret prompt's default is the secret it offers: registered before the question is shown or recorded.
      if (question.action.kind === 'prompt' && question.action.secret && question.action.default !== undefined) {
        this.opts.redactor.addValue(question.action.default);
      }
      this.publish({ type: 'question-asked', questionId, question });
    });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Announces a gate the first time the machine enters it. */
  private onSnapshot(value: unknown, context: MachineContext): void {
    if (!value || typeof value !== 'object') return;
    const [stepId, phase] = Object.entries(value as Record<string, string>)[0] ?? [];
    if (!stepId || phase !== PHASE.gate || this.gate?.stepId === stepId) return;
    const gate = describeGate(this.opts.runbook.doc, stepId, context, this.opts.redactor, this.opts.target);
    // A four-eyes gate's visit: a decision names it, and the engine takes no other (four-eyes.ts).
    if (gate.event.approval) gate.event.gate = this.gateVisit(stepId);
    this.gate = gate;
    this.publish(gate.event);
    if (this.opts.dryRun) this.confirm(stepId, 'yes', 'dry-run');
  }

  /** `<visit>-<nonce>`: the step's gates opened by this process, counted, and 48 random bits. */
  private gateVisit(stepId: string): string {
    const visit = (this.gateVisits.get(stepId) ?? 0) + 1;
    this.gateVisits.set(stepId, visit);
    return `${visit}-${randomBytes(6).toString('hex')}`;
  }
  private readonly gateVisits = new Map<string, number>();

  /** The runbook's declared `outputs` over the run's data as it ended (run-data.ts: real values, null if bad). */
  outputs(): Record<string, unknown> {
    const context = this.actor?.getSnapshot().context;
    return context ? runOutputs(this.opts.runbook.doc, context, taintFor(this.opts.redactor)) : {};
  }

  private finish(output: MachineOutput): RunFinished {
    if (this.finished) return this.finished;
    for (const q of this.questions.values()) q.resolve('');
    this.questions.clear();
    const fatal = this.fatal;
    const event: RunFinished = {
      type: 'run-finished',
      // Stopped for want of a record, not by a person and not by the runbook: interrupted, resumable once the
      // transcript can be written again (this line itself may not reach it).
      outcome: fatal ? 'interrupted' : output.outcome,
      message: this.opts.redactor.mask(fatal ? `${fatal} (the run was stopped; nothing acted after it)` : output.message),
      ...(output.stepId ? { stepId: output.stepId } : {}),
      durationMs: Date.now() - this.started,
      steps: { ...this.events.counts },
    };
    this.finished = event;
    this.publish(event);
    return event;
  }

  private publish(event: RunEvent): void {
    if (event.type === 'step-finished' && !event.willRetry && !this.checkedHere) {
      const step = stepById(this.opts.runbook.doc, event.stepId);
      this.checkedHere = step !== undefined && isCheck(step) && event.result.status !== 'skipped';
    }
    this.events.publish(event);
  }

  /** Why the run can no longer be recorded, once the transcript failed: nothing acts after it. */
  private get fatal(): string | undefined { return this.events.fatal; }
}

export { ABORTED, FAILED, FINISHED };
