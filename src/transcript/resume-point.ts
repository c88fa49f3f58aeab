// Where an interrupted run stopped, and what it knew there, rebuilt from its transcript: the result of
// every finished step (never run again), captures, visit counts. The step in flight runs again; a step
// that finished but had not yet branched only takes its branch.
import type { StepResult } from '../executors/types.js';
import type { MachineContext, ResumedLoop } from '../engine/machine-types.js';
import type { ResumeState } from '../engine/run.js';
import { stepById, stepKind } from '../language/flow.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { UserError } from '../common/errors.js';
import type { Transcript } from './reader.js';
import type { TranscriptLine } from './schema.js';
import { isNested } from './nested.js';
import { own, setOwn } from '../common/own.js';

export interface ResumePoint {
  stepId: string;
  phase: 'enter' | 'route';
  started: boolean;                 // the step in flight had started running (it may have partly run)
  context: MachineContext;          // inputs are filled in by the resuming run
  dryRun: boolean;
  /** The step in flight is a `runbook:` step: where the called runbook stopped, so that it continues there
   *  (what finished inside it is not run again), at every depth. */
  nested?: Record<string, ResumeState>;
}

/** The runbook a `runbook:` step calls, as it would load now (undefined when it cannot be loaded: the called
 *  runbook then starts over, as before). */
export type LoadCalled = (step: StepDoc, callerFile: string) => { doc: RunbookDoc; file: string } | undefined;

interface Walk {
  current?: string;                 // the step the run was in
  settled: boolean;                 // current has its result for this visit
  started: boolean;                 // current had started running (not only waiting at its gate)
  results: Record<string, StepResult>;
  captures: Record<string, string>;
  visits: Record<string, number>;
  finished?: { outcome: string; ts: string };
  dryRun: boolean;
  loop?: ResumedLoop;               // current is a for_each that had started its items
}

export function findResumePoint(t: Transcript, doc: RunbookDoc, loadCalled?: LoadCalled, file = t.header.runbook.file): ResumePoint {
  const walk: Walk = { settled: false, started: false, results: {}, captures: {}, visits: {}, dryRun: false };
  for (const line of t.lines) follow(walk, line, doc);
  if (walk.finished) throw new UserError(`this run already finished (${walk.finished.outcome} at ${walk.finished.ts}); start a new run instead`);
  const stepId = walk.current ?? doc.steps[0]!.id;
  if (walk.current === undefined) setOwn(walk.visits, stepId, 1);
  const step = stepById(doc, stepId);
  if (!step) {
    const ended = stepId.startsWith('__') || stepId.startsWith('$');
    throw new UserError(ended
      ? `the run had already reached its end (${stepId}) when the transcript stops; nothing is left to run`
      : `the run stopped at step '${stepId}', which the runbook no longer has`);
  }
  if (stepKind(step) === 'end') throw new UserError(`the run had already reached its end step '${stepId}' when the transcript stops; nothing is left to run`);
  const phase = walk.settled ? 'route' : 'enter';
  const nested = phase === 'enter' && walk.started && stepKind(step) === 'runbook' && loadCalled
    ? nestedPoint(innerLines(t.lines, stepId), step, file, loadCalled) : undefined;
  // A for_each in flight goes on with the list it was acting on, without the items that finished.
  const loop = !walk.settled && walk.loop?.stepId === stepId && step.for_each ? walk.loop : undefined;
  return {
    stepId, phase, started: walk.started, dryRun: walk.dryRun,
    context: { inputs: {}, results: walk.results, captures: walk.captures, visits: walk.visits, ...(loop ? { resumedLoop: loop } : {}) },
    ...(nested ? { nested: { [stepId]: nested } } : {}),
  };
}

/** Where the runbook called by `step` stopped, from its own lines (ids relative to it). undefined when nothing
 *  inside it had started, or when it cannot be told (then it starts over). */
function nestedPoint(lines: TranscriptLine[], step: StepDoc, callerFile: string, loadCalled: LoadCalled): ResumeState | undefined {
  const called = loadCalled(step, callerFile);
  if (!called || !lines.length || !called.doc.steps[0]) return undefined;
  try {
    const t = { lines } as unknown as Transcript;
    // The called run's own start and finish are not recorded (they are the calling step's): enter its first
    // step, and end as the calling run did — interrupted (the calling step is in flight), so a step inside that
    // the interruption stopped ('aborted') runs again instead of counting as failed.
    const started: TranscriptLine = { type: 'run-started', runId: '', runbook: { name: '', title: '', file: '', sha256: '' }, inputs: {}, dryRun: false, seq: 0, ts: '' };
    const stopped: TranscriptLine = { type: 'run-finished', outcome: 'interrupted', message: '', durationMs: 0, steps: { ok: 0, failed: 0, skipped: 0 }, seq: 0, ts: '' };
    const p = findResumePoint({ ...t, lines: [started, ...lines, stopped] }, called.doc, loadCalled, called.file);
    return { stepId: p.stepId, phase: p.phase, started: p.started, context: p.context, ...(p.nested ? { nested: p.nested } : {}) };
  } catch {
    return undefined; // e.g. it had reached its end step: the called runbook runs again from its start, as before
  }
}

/** The lines of the runbook called by `stepId` during its last visit, with the prefix taken off. A visit that a
 *  resume continued inside the called runbook (a `resumed` line at the step, then its start) is the same visit. */
function innerLines(lines: TranscriptLine[], stepId: string): TranscriptLine[] {
  let start = 0;
  let continued = false;
  lines.forEach((l, i) => {
    if (l.type === 'resumed') continued = l.stepId === stepId && l.phase === 'enter';
    else if (l.type === 'step-started' && l.stepId === stepId) { if (!continued) start = i + 1; continued = false; }
  });
  const prefix = `${stepId}/`;
  const strip = (id: string) => id.slice(prefix.length);
  const out: TranscriptLine[] = [];
  for (const l of lines.slice(start)) {
    if (l.type === 'branch') { if (l.from.startsWith(prefix)) out.push({ ...l, from: strip(l.from), to: strip(l.to) }); continue; }
    if ('stepId' in l && typeof l.stepId === 'string' && l.stepId.startsWith(prefix)) out.push({ ...l, stepId: strip(l.stepId) } as TranscriptLine);
  }
  return out;
}
/** A called runbook's events belong to the calling step, which is in flight until its own step-finished
 *  and, on resume, runs again (the called runbook from its start). */
function follow(walk: Walk, line: TranscriptLine, doc: RunbookDoc): void {
  if (isNested(line.type === 'branch' ? line.from : 'stepId' in line ? line.stepId : undefined)) return;
  switch (line.type) {
    case 'run-started':
      walk.finished = undefined;
      walk.dryRun ||= line.dryRun;
      if (!line.resumedFrom) enter(walk, doc.steps[0]!.id);
      break;
    case 'resumed':       // the visit was counted when the step was first entered
      walk.current = line.stepId;
      walk.settled = line.phase === 'route';
      walk.started = false;
      break;
    case 'step-started':
      if (line.stepId === walk.current) walk.started = true;
      break;
    case 'branch':
      enter(walk, line.to);
      break;
    case 'step-finished':
      if (!line.willRetry) settle(walk, doc, line.stepId, line.result);
      break;
    case 'step-skipped':  // a dry-run skip is followed by its step-finished
      if (line.reason !== 'dry-run') settle(walk, doc, line.stepId, skipped(line.reason));
      break;
    case 'run-finished':
      if (line.outcome === 'interrupted') interrupted(walk);
      else walk.finished = { outcome: line.outcome, ts: line.ts };
      break;
    case 'loop-started':    // after a resume the same visit's list comes again: its finished items stay finished
      if (line.stepId !== walk.current) break;
      walk.loop = { stepId: line.stepId, items: line.items, done: walk.loop?.stepId === line.stepId ? walk.loop.done : {} };
      break;
    case 'item-finished':
      if (walk.loop?.stepId === line.stepId) walk.loop.done[line.index] = { index: line.index, label: line.label, result: line.result };
      break;
    default:
  }
}

/** The run lost its terminal (or was told to stop): not an end. A step it stopped mid-way finished as
 *  'aborted'; that is no result of the step, so it is in flight again: re-entered (and re-gated if
 *  destructive, saying it may have partly run). A step waiting at its gate never started. */
function interrupted(walk: Walk): void {
  const id = walk.current;
  if (id === undefined || !walk.settled || own(walk.results, id)?.status !== 'aborted') return;
  delete walk.results[id];
  walk.settled = false;
  walk.started = true;
}

function enter(walk: Walk, stepId: string): void {
  walk.current = stepId;
  walk.loop = undefined;
  walk.settled = false;
  walk.started = false;
  setOwn(walk.visits, stepId, (own(walk.visits, stepId) ?? 0) + 1);
}

/** The same context update the machine's recordResult makes. */
function settle(walk: Walk, doc: RunbookDoc, stepId: string, result: StepResult): void {
  setOwn(walk.results, stepId, result);
  const capture = stepById(doc, stepId)?.capture;
  if (capture) setOwn(walk.captures, capture, stepId);
  if (stepId === walk.current) walk.settled = true;
}

function skipped(reason: 'condition' | 'operator'): StepResult {
  return reason === 'operator' ? { status: 'skipped', durationMs: 0, value: 'skipped by operator' } : { status: 'skipped', durationMs: 0 };
}
