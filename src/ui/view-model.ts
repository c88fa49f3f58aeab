// The terminal UI's state, derived from the run's events alone by a pure reducer: the view never asks the
// engine what is going on, and every frame can be reproduced from the event log. Time is an argument.
import { splitLines } from './line-splitter.js';
import type {
  ConfirmAnswer, ConfirmationAnswered, ConfirmationRequested, DryRunMode, DryRunShownBecause, GateItem, QuestionAsked, RunEvent, RunFinished,
} from '../engine/events.js';
import type { StepResult } from '../executors/types.js';
import type { RunbookDoc, StepKind } from '../language/schema.js';
import { stepKind } from '../language/flow.js';
import { cleanLine } from './format.js';
import { exactLine } from './visible-text.js';
import { plural } from '../common/plural.js';
import { withheldLine } from '../secrets/step-taint.js';

export type StepState = 'pending' | 'awaiting' | 'running' | 'ok' | 'failed' | 'timeout' | 'aborted' | 'skipped' | 'reached';

export interface BranchView { to: string; via: 'on' | 'next' | 'then' | 'failure'; expression?: string; value?: unknown; matched?: string }

export interface StepView {
  id: string;
  title: string;
  kind?: StepKind;
  description?: string;
  destructive: boolean;
  state: StepState;
  attempt: number;
  visits: number;                      // entries into the step, a skip included (as max_visits counts them)
  inVisit?: boolean;                   // a visit is under way: its finish, its skip or the run's end closes it
  enteredAt?: number;                  // when this visit began
  ran?: boolean;                       // this visit's action started in a real run (a step-started, not a dry run's)
  /** Append-only: every visit that ran its action or was answered at its gate, as it ended. The fields above are
   *  the latest visit's; what was done is every visit's (step-visits.ts). */
  endedVisits?: EndedVisit[];
  startedAt?: number;
  durationMs?: number;
  command?: string;
  result?: StepResult;
  willRetry?: boolean;
  skip?: { reason: 'condition' | 'operator' | 'dry-run'; detail?: string; because?: DryRunShownBecause };
  dryRun?: DryRunMode;                 // a dry run: what it did with this step's action
  where?: string;                      // a shell step naming a target: where it runs (and why, when its `if` sent it here)
  confirmation?: { answer: ConfirmAnswer; how: ConfirmationAnswered['how']; by: string; approver?: string; reason?: string };
  branch?: BranchView;
  wait?: WaitView;                     // a wait step between polls: how far it got, when it gives up
}

/** One visit of a step, as it ended: its own result, skip and answer, never a later visit's. */
export interface EndedVisit {
  visit: number; enteredAt: number; ran: boolean; state: StepState;
  result?: StepResult; durationMs?: number; skip?: StepView['skip']; confirmation?: StepView['confirmation'];
}

export interface WaitView { poll: number; last: string; deadlineAt: number }

export interface OutputLine { stepId: string; stream: 'stdout' | 'stderr'; text: string }
export interface NoteView { text: string; by: string; stepId?: string; at: number }
export interface DryRunAction { stepId: string; title: string; command: string; because?: DryRunShownBecause; items?: GateItem[] }

export interface ViewModel {
  title: string;
  name?: string;
  file?: string;
  runId?: string;
  target?: string;
  dryRun: boolean;
  resumedFrom?: string;
  startedAt?: number;
  steps: StepView[];
  currentStepId?: string;
  lastBranch?: BranchView & { from: string };
  output: OutputLine[];
  outputTotal: number;                // lines ever received, including those dropped from `output`
  partial: Record<string, string>;    // unterminated line per `${stepId}\0${stream}`
  gate?: ConfirmationRequested;
  gateAt?: number;
  questions: QuestionAsked[];
  questionAt?: number;                 // when the first of the open questions appeared
  notes: NoteView[];
  /** The run checks the application's connection before it may end resolved: since when, for how long. */
  applicationCheck?: { holdMs: number };
  dryRunActions: DryRunAction[];
  dryRunModes: [string, DryRunMode][];  // what the dry run did with each step's action, latest per step
  finished?: RunFinished;
  finishedAt?: number;
  /** What steps given a secret printed (secrets/step-taint.ts): never an event, so in no record; shown only while
   *  the operator has asked for it (the w key). */
  withheld: Record<string, { stream: 'stdout' | 'stderr'; text: string }[]>;
  showWithheld: boolean;
}

/** How many output lines the view keeps; older ones scroll away for good (the transcript has them all). */
export const MAX_OUTPUT_LINES = 500;

/** The steps as the runbook lists them, all pending, so the operator sees what is ahead. */
export function initialViewModel(doc?: RunbookDoc): ViewModel {
  const steps: StepView[] = (doc?.steps ?? []).map((s) => ({
    id: s.id,
    title: s.title && !s.title.includes('${{') ? s.title : s.id,
    destructive: s.destructive === true,
    state: 'pending',
    attempt: 0,
    visits: 0,
    ...(stepKind(s) ? { kind: stepKind(s)! } : {}),
    ...(s.description ? { description: s.description } : {}),
  }));
  return { title: doc?.title ?? '', ...(doc ? { name: doc.name } : {}), dryRun: false, steps, output: [], outputTotal: 0, partial: {}, questions: [], notes: [], dryRunActions: [], dryRunModes: [], withheld: {}, showWithheld: false };
}

export function reduce(vm: ViewModel, event: RunEvent, now: number): ViewModel {
  switch (event.type) {
    case 'run-started':
      return {
        ...vm, title: event.runbook.title, name: event.runbook.name, file: event.runbook.file, runId: event.runId,
        dryRun: event.dryRun, startedAt: now,
        ...(event.target ? { target: event.target } : {}), ...(event.resumedFrom ? { resumedFrom: event.resumedFrom } : {}),
      };
    case 'step-started':
      return {
        ...flushStep(vm, event.stepId), currentStepId: event.stepId, applicationCheck: undefined,
        ...(event.dryRun ? { dryRunModes: [...vm.dryRunModes.filter(([id]) => id !== event.stepId), [event.stepId, event.dryRun] as [string, DryRunMode]] } : {}),
        steps: upsert(vm.steps, event.stepId, (s) => ({
          ...enter(s, now), title: event.title, kind: event.kind, destructive: event.destructive, state: 'running', attempt: event.attempt,
          startedAt: now, durationMs: undefined, result: undefined, willRetry: undefined, skip: undefined, branch: undefined, wait: undefined,
          ...(event.command !== undefined ? { command: event.command } : {}), dryRun: event.dryRun, where: event.where,
          ran: (s.inVisit === true && s.ran === true) || (!event.dryRun && !vm.dryRun),
        })),
      };
    case 'step-process': case 'target-identified': case 'step-session': case 'connection-addresses': case 'called-runbook': // for the transcript (resume's checks), not the screen
      return vm;
    case 'already-ran':
      // Ran before the resume: the visit that ran it is over (a skip's result did not run it).
      return { ...vm, steps: upsert(vm.steps, event.stepId, (s) => leave({ ...enter(s, now), state: event.status, ran: event.status !== 'skipped' })) };
    case 'step-output':
      return appendOutput(vm, event.stepId, event.stream, event.chunk);
    case 'step-finished':
      return {
        ...flushStep(vm, event.stepId),
        steps: upsert(vm.steps, event.stepId, (s) => {
          const next: StepView = {
            ...s, result: event.result, durationMs: event.result.durationMs, willRetry: event.willRetry,
            // A dry-run step "finishes" ok after its skip: it stays shown as not run.
            state: s.skip?.reason === 'dry-run' ? 'skipped' : event.willRetry ? 'running' : event.result.status,
          };
          return event.willRetry ? next : leave(next);
        }),
      };
    case 'step-skipped':
      return skipped(vm, event.stepId, now, event.reason, event.detail, event.because, event.items);
    case 'branch': {
      const from = vm.steps.find((s) => s.id === event.from);
      const branch = branchView(event, from);
      return { ...vm, lastBranch: { ...branch, from: event.from }, steps: upsert(vm.steps, event.from, (s) => ({ ...s, branch })) };
    }
    case 'confirmation-requested':
      return {
        ...vm, gate: event, gateAt: now, currentStepId: event.stepId,
        steps: upsert(vm.steps, event.stepId, (s) => ({ ...enter(s, now), title: event.title, destructive: true, state: 'awaiting', confirmation: undefined })),
      };
    case 'confirmation-answered':
      return {
        ...vm, ...(vm.gate?.stepId === event.stepId ? { gate: undefined, gateAt: undefined } : {}),
        steps: upsert(vm.steps, event.stepId, (s) => ({
          ...s, confirmation: { answer: event.answer, how: event.how, by: event.by, ...(event.approver ? { approver: event.approver } : {}), ...(event.reason ? { reason: event.reason } : {}) },
          state: event.answer === 'abort' ? 'aborted' : s.state === 'awaiting' ? 'pending' : s.state,
        })),
      };
    case 'question-asked':
      return { ...vm, questions: [...vm.questions, event], questionAt: vm.questions.length ? vm.questionAt : now };
    case 'question-answered':
    {
      const questions = vm.questions.filter((q) => q.questionId !== event.questionId);
      return { ...vm, questions, questionAt: questions.length ? vm.questionAt : undefined };
    }
    case 'note':
      return { ...vm, notes: [...vm.notes, { text: event.text, by: event.by, at: now, ...(event.stepId ? { stepId: event.stepId } : {}) }] };
    case 'application-check':
      return { ...vm, applicationCheck: { holdMs: event.holdMs } };
    case 'run-finished':
      return finished(vm, event, now);
    case 'loop-started':
      return addLines(vm, [{ stepId: event.stepId, stream: 'stdout', text: `for each of ${plural(event.items.length, 'item')}:` }]);
    case 'wait-polled': {
      const wait: WaitView = { poll: event.poll, last: event.last, deadlineAt: Date.parse(event.deadlineAt) };
      const line = { stepId: event.stepId, stream: 'stdout' as const, text: cleanLine(`… poll ${event.poll}: not yet (${event.last})`) };
      return addLines({ ...flushStep(vm, event.stepId), steps: upsert(vm.steps, event.stepId, (s) => ({ ...s, wait })) }, [line]);
    }
    case 'item-finished': {
      const r = event.result;
      const why = r.status === 'ok' ? '' : `: ${r.error ?? r.status}`;
      return addLines(flushStep(vm, event.stepId), [{ stepId: event.stepId, stream: r.status === 'ok' ? 'stdout' : 'stderr',
        text: `${r.status === 'ok' ? '✓' : '✗'} item ${event.index + 1} ${exactLine(event.label)}${cleanLine(why)}` }]);
    }
  }
}

function upsert(steps: StepView[], id: string, change: (s: StepView) => StepView): StepView[] {
  const i = steps.findIndex((s) => s.id === id);
  if (i < 0) return [...steps, change({ id, title: id, destructive: false, state: 'pending', attempt: 0, visits: 0 })];
  return steps.map((s, j) => (j === i ? change(s) : s));
}

/** A step's event opens a visit unless one is under way (a gate's answer, then its step-started; a retry). What
 *  the last visit left is cleared, so that nothing of it is read as this one's: a probe of stop 73's loop skipped
 *  at its second visit read "confirmed by root, skipped" and branched "on ok", the first visit's answer and result. */
function enter(s: StepView, now: number): StepView {
  if (s.inVisit) return s;
  return {
    ...s, inVisit: true, visits: s.visits + 1, enteredAt: now, ran: false,
    startedAt: undefined, result: undefined, durationMs: undefined, willRetry: undefined, skip: undefined, branch: undefined, confirmation: undefined, wait: undefined,
  };
}

/** The visit is over: kept, as it ended, when it ran a destructive step's action or was answered at its gate (the
 *  record reads them). A read's visits are not kept: a loop of `next:` over one would hold every result. */
function leave(s: StepView): StepView {
  if (!s.inVisit) return s;
  if (!s.destructive || (!s.ran && !s.confirmation)) return { ...s, inVisit: false };
  const visit: EndedVisit = {
    visit: s.visits, enteredAt: s.enteredAt ?? 0, ran: s.ran === true, state: s.state,
    ...(s.result ? { result: s.result } : {}), ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    ...(s.skip ? { skip: s.skip } : {}), ...(s.confirmation ? { confirmation: s.confirmation } : {}),
  };
  return { ...s, inVisit: false, endedVisits: [...(s.endedVisits ?? []), visit] };
}

function skipped(vm: ViewModel, stepId: string, now: number, reason: 'condition' | 'operator' | 'dry-run', detail?: string, because?: DryRunShownBecause, items?: GateItem[]): ViewModel {
  const next: ViewModel = {
    ...flushStep(vm, stepId),
    steps: upsert(vm.steps, stepId, (s) => leave({
      ...enter(s, now), state: 'skipped', durationMs: 0, skip: { reason, ...(detail !== undefined ? { detail } : {}), ...(because ? { because } : {}) },
    })),
  };
  if (reason !== 'dry-run') return next;
  const title = next.steps.find((s) => s.id === stepId)?.title ?? stepId;
  return { ...next, dryRunActions: [...vm.dryRunActions, { stepId, title, command: detail ?? '', ...(because ? { because } : {}), ...(items ? { items } : {}) }] };
}

/** For an `on` branch the event does not say which key matched; the visit's result does (a skip has none). */
function branchView(e: Extract<RunEvent, { type: 'branch' }>, from?: StepView): BranchView {
  const result = from?.result;
  const matched = e.via !== 'on' ? undefined : result ? result.classification ?? result.value ?? result.status : from?.state === 'skipped' ? 'skipped' : undefined;
  return {
    to: e.to, via: e.via,
    ...(e.expression !== undefined ? { expression: e.expression, value: e.value } : {}),
    ...(matched !== undefined ? { matched } : {}),
  };
}

function finished(vm: ViewModel, event: RunFinished, now: number): ViewModel {
  const flushed = Object.keys(vm.partial).reduce((acc, key) => flushKey(acc, key), vm);
  const steps = flushed.steps.map((s): StepView => {
    if (s.state === 'running' || s.state === 'awaiting') return leave({ ...s, state: 'aborted', durationMs: s.startedAt ? now - s.startedAt : undefined });
    if (s.id === event.stepId && s.state === 'pending') return { ...s, state: 'reached' };
    return leave(s);
  });
  if (event.stepId && !steps.some((s) => s.id === event.stepId)) {
    steps.push({ id: event.stepId, title: event.stepId, destructive: false, state: 'reached', attempt: 0, visits: 1 });
  }
  return { ...flushed, steps, gate: undefined, gateAt: undefined, questions: [], finished: event, finishedAt: now };
}

const partialKey = (stepId: string, stream: string) => `${stepId}\0${stream}`;

/** Splits chunks into lines; a line without its newline waits for the next chunk or the step's end. */
function appendOutput(vm: ViewModel, stepId: string, stream: 'stdout' | 'stderr', chunk: string): ViewModel {
  const key = partialKey(stepId, stream);
  const { lines, rest } = splitLines(vm.partial[key] ?? '', chunk);
  const partial = { ...vm.partial };
  if (rest) partial[key] = rest; else delete partial[key];
  return addLines({ ...vm, partial }, lines.map((text) => ({ stepId, stream, text: cleanLine(text) })));
}

function addLines(vm: ViewModel, lines: OutputLine[]): ViewModel {
  if (!lines.length) return vm;
  const output = [...vm.output, ...lines];
  return { ...vm, output: output.length > MAX_OUTPUT_LINES ? output.slice(-MAX_OUTPUT_LINES) : output, outputTotal: vm.outputTotal + lines.length };
}

function flushStep(vm: ViewModel, stepId: string): ViewModel {
  return flushKey(flushKey(vm, partialKey(stepId, 'stdout')), partialKey(stepId, 'stderr'));
}

function flushKey(vm: ViewModel, key: string): ViewModel {
  const text = vm.partial[key];
  if (text === undefined) return vm;
  const [stepId, stream] = key.split('\0') as [string, 'stdout' | 'stderr'];
  const partial = { ...vm.partial };
  delete partial[key];
  return addLines({ ...vm, partial }, [{ stepId, stream, text: cleanLine(text) }]);
}

// ——— Derived views (pure; used by both the ink view and tests) ———

export function currentStep(vm: ViewModel): StepView | undefined {
  return vm.steps.find((s) => s.id === vm.currentStepId);
}

export function stepOutput(vm: ViewModel, stepId: string | undefined): OutputLine[] {
  if (stepId === undefined) return [];
  const lines = vm.output.filter((l) => l.stepId === stepId);
  const kept = vm.withheld[stepId];
  const w = vm.steps.find((s) => s.id === stepId)?.result?.withheld;
  if (!kept && !w) return lines;
  if (vm.showWithheld && kept) {
    return [...lines, ...runsOf(kept).flatMap((c) => c.text.replace(/\n$/, '').split('\n').map((text) => ({ stepId, stream: c.stream, text: cleanLine(text) })))];
  }
  const what = `withheld: ${w ? withheldLine(w) : 'the step was given a secret'}`;
  return [...lines, { stepId, stream: 'stdout', text: cleanLine(`${what}${kept ? ' — w shows it on this screen only (never recorded)' : ''}`) }];
}

/** Consecutive chunks of one stream as one text: a line may come in pieces. */
function runsOf(chunks: { stream: 'stdout' | 'stderr'; text: string }[]): { stream: 'stdout' | 'stderr'; text: string }[] {
  const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  for (const c of chunks) {
    const last = out[out.length - 1];
    if (last?.stream === c.stream) last.text += c.text;
    else out.push({ ...c });
  }
  return out;
}

/** Bytes of withheld output kept per step for the screen (the rest is dropped, as the view drops old lines). */
const WITHHELD_KEEP = 256 * 1024;

/** A chunk a step given a secret printed, kept for the w key. */
export function addWithheld(vm: ViewModel, stepId: string, stream: 'stdout' | 'stderr', text: string): ViewModel {
  const kept = vm.withheld[stepId] ?? [];
  if (kept.reduce((n, c) => n + c.text.length, 0) > WITHHELD_KEEP) return vm;
  return { ...vm, withheld: { ...vm.withheld, [stepId]: [...kept, { stream, text }] } };
}

const hasTable = (s: StepView | undefined): boolean => Boolean(s?.result?.columns?.length || s?.result?.rows?.length);

/** The SQL table to show: the current step's; or, while a gate or question waits on the operator, the latest
 *  earlier step's (e.g. the sessions a gate is about to terminate), so the evidence is in view at decision time. */
export function tableStep(vm: ViewModel): StepView | undefined {
  const cur = currentStep(vm);
  if (hasTable(cur)) return cur;
  if (vm.gate === undefined && vm.questions.length === 0) return undefined;
  return vm.steps
    .filter((s) => s.id !== vm.currentStepId && hasTable(s) && s.startedAt !== undefined)
    .reduce<StepView | undefined>((latest, s) => (latest && latest.startedAt! >= s.startedAt! ? latest : s), undefined);
}
