// Where an interrupted run stopped, and what it knew there, rebuilt from its transcript: the result of
// every finished step (never run again), captures, visit counts. The step in flight runs again; a step
// that finished but had not yet branched only takes its branch.
import type { StepResult } from '../executors/types.js';
import type { MachineContext, ResumedLoop } from '../engine/machine-types.js';
import type { ResumeState } from '../engine/run.js';
import type { Written } from '../engine/written-secrets.js';
import { stepById, stepKind } from '../language/flow.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { UserError } from '../common/errors.js';
import type { Transcript } from '../transcript/reader.js';
import type { TranscriptLine } from '../events/schema.js';
import { isNested } from '../transcript/nested.js';
import { isCheck } from '../language/check-step.js';
import { own, setOwn } from '../common/own.js';
import { whoDrove } from '../transcript/who-drove.js';

export interface ResumePoint {
  stepId: string;
  phase: 'enter' | 'route';
  started: boolean;                 // the step in flight had started running (it may have partly run)
  context: MachineContext;          // inputs are filled in by the resuming run
  dryRun: boolean;
  /** The step in flight is a `runbook:` step: where the called runbook stopped, so that it continues there
   *  (what finished inside it is not run again), at every depth. */
  nested?: Record<string, ResumeState>;
  /** The first step given a secret that may write (engine/written-secrets.ts), a called runbook's too: the resumed
   *  run's reads are judged from its start, as the interrupted run's were (a file it wrote is there still). */
  written?: Written;
}

/** The runbook a `runbook:` step calls, as it would load now; throws (a UserError saying why) when it cannot be
 *  loaded: a resume never starts a called runbook over that it cannot see. */
export type LoadCalled = (step: StepDoc, callerFile: string) => { doc: RunbookDoc; file: string; sha256: string };

export interface FindOptions {
  loadCalled?: LoadCalled;
  /** --force: continue inside a called runbook that changed since the run started (told through onForced). */
  force?: boolean;
  /** --accept-changed: files continued with as they are now (absolute paths). */
  accepted?: ReadonlySet<string>;
  onForced?(change: { stepId: string; file: string; recordedSha256: string; currentSha256: string }): void;
}

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
  branch?: { from: string; to: string }; // the last branch taken
  lastCheck?: string;               // the last check that finished (language/check-step.ts)
}

export function findResumePoint(t: Transcript, doc: RunbookDoc, options: FindOptions | LoadCalled = {}, file = t.header.runbook.file): ResumePoint {
  const opts = typeof options === 'function' ? { loadCalled: options } : options;
  try {
    const written = writtenOf(t.lines);
    return { ...pointOf(t.lines, doc, opts, file, undefined), ...(written ? { written } : {}) };
  } catch (e) {
    if (!(e instanceof RunFinished)) throw e;
    // Who drove it to its end: the last resume's driver, or the one who started it (a takeover that came
    // too late is told whose run it was).
    const last = [...t.lines].reverse().find((l) => l.type === 'resumed');
    throw new UserError(`this run already finished (${e.outcome} at ${e.ts}, driven by ${whoDrove(last?.type === 'resumed' ? last : t.header)}); start a new run instead`);
  }
}

/** The first step-started line, at any depth, of a step given a secret that may write. A step killed mid-way
 *  counts from its start: what it wrote before the kill is there. */
function writtenOf(lines: TranscriptLine[]): Written | undefined {
  const line = lines.find((l) => l.type === 'step-started' && l.writes === true);
  if (line?.type !== 'step-started') return undefined;
  const sinceMs = Date.parse(line.ts);
  // A record whose time cannot be read: the run's writes count from the epoch (every file changed since).
  return { stepId: line.stepId, sinceMs: Number.isFinite(sinceMs) ? sinceMs : 0 };
}

/** The run (or a called runbook's) has its finish line. */
class RunFinished extends Error {
  constructor(readonly outcome: string, readonly ts: string) { super(`this run already finished (${outcome} at ${ts}); start a new run instead`); }
}

/** `calledBy`: this is the run of a runbook called by that step, rebuilt from its own lines. */
function pointOf(lines: TranscriptLine[], doc: RunbookDoc, opts: FindOptions, file: string, calledBy: string | undefined): ResumePoint {
  const walk: Walk = { settled: false, started: false, results: {}, captures: {}, visits: {}, dryRun: false };
  for (const line of lines) follow(walk, line, doc);
  if (walk.finished) throw new RunFinished(walk.finished.outcome, walk.finished.ts);
  let stepId = walk.current ?? doc.steps[0]!.id;
  if (walk.current === undefined) setOwn(walk.visits, stepId, 1);
  let step = stepById(doc, stepId);
  const ended = !step || stepKind(step) === 'end';
  // A run (or a called runbook) that had reached its end when its record was cut off — killed after the branch
  // into its end step, before its finish line: its end is rebuilt (the branch into it taken again from the
  // recorded result), so the record says how it ended; nothing runs again.
  if (ended && walk.branch && walk.branch.to === stepId && stepById(doc, walk.branch.from)) {
    stepId = walk.branch.from;
    step = stepById(doc, stepId);
    walk.settled = true;
  } else if (!step) {
    const over = stepId.startsWith('__') || stepId.startsWith('$');
    throw new UserError(over
      ? `the run had already reached its end (${stepId}) when the transcript stops; nothing is left to run`
      : `the run stopped at step '${stepId}', which the runbook no longer has`);
  } else if (ended) {
    throw new UserError(`the run had already reached its end step '${stepId}' when the transcript stops; nothing is left to run`);
  }
  const phase = walk.settled ? 'route' : 'enter';
  const nested = phase === 'enter' && walk.started && stepKind(step!) === 'runbook' && opts.loadCalled
    ? nestedPoint(innerVisit(lines, stepId), step!, file, opts, calledBy) : undefined;
  // A for_each in flight goes on with the list it was acting on, without the items that finished.
  const loop = !walk.settled && walk.loop?.stepId === stepId && step!.for_each ? walk.loop : undefined;
  return {
    stepId, phase, started: walk.started, dryRun: walk.dryRun,
    context: { inputs: {}, results: walk.results, captures: walk.captures, visits: walk.visits, ...(loop ? { resumedLoop: loop } : {}),
      ...(walk.lastCheck ? { checkedBeforeResume: walk.lastCheck } : {}) },
    ...(nested ? { nested: { [stepId]: nested } } : {}),
  };
}

/** Where the runbook called by `step` stopped, from its own lines (ids relative to it); undefined when nothing
 *  inside it had started (it then starts, from its top: nothing of it ran). A called runbook that cannot be
 *  loaded, or changed since (without --force), is refused, never started over. */
function nestedPoint(visit: InnerVisit, step: StepDoc, callerFile: string, opts: FindOptions, calledBy: string | undefined): ResumeState | undefined {
  const { lines, called } = visit;
  if (!lines.length) return undefined;
  const where = `${calledBy ? `${calledBy}/` : ''}${step.id}`;
  let now: ReturnType<LoadCalled>;
  try {
    now = opts.loadCalled!(step, callerFile);
  } catch (e) {
    throw new UserError(`cannot resume: the run was inside the runbook called by step '${where}' (${step.runbook?.name ?? '?'}), which cannot be loaded now: ${(e as Error).message}`);
  }
  if (called && called.sha256 !== now.sha256 && !opts.accepted?.has(now.file)) {
    if (!opts.force) {
      throw new UserError(`the runbook ${now.file} called by step '${where}' has changed since this run started (sha256 ${called.sha256.slice(0, 12)} → ${now.sha256.slice(0, 12)}); ` +
        `step '${where}' would run it as it is now, not as it was approved: check the change, then resume with --accept-changed ${now.file} (or --force, or --retarget, which asks again at every destructive step)`);
    }
    opts.onForced?.({ stepId: where, file: now.file, recordedSha256: called.sha256, currentSha256: now.sha256 });
  }
  // The called run's own start and finish are not recorded (they are the calling step's): enter its first
  // step, and end as the calling run did — interrupted (the calling step is in flight), so a step inside that
  // the interruption stopped ('aborted') runs again instead of counting as failed.
  const started: TranscriptLine = { type: 'run-started', runId: '', runbook: { name: '', title: '', file: '', sha256: '' }, inputs: {}, dryRun: false, seq: 0, ts: '' };
  const stopped: TranscriptLine = { type: 'run-finished', outcome: 'interrupted', message: '', durationMs: 0, steps: { ok: 0, failed: 0, skipped: 0 }, seq: 0, ts: '' };
  try {
    const p = pointOf([started, ...lines, stopped], now.doc, opts, now.file, where);
    return { stepId: p.stepId, phase: p.phase, started: p.started, context: p.context, ...(p.nested ? { nested: p.nested } : {}) };
  } catch (e) {
    if (!(e instanceof UserError) || e.message.includes(`step '${where}`)) throw e;
    throw new UserError(`inside the runbook called by step '${where}': ${e.message}`);
  }
}

interface InnerVisit { lines: TranscriptLine[]; called?: { file: string; sha256: string } }

/** The lines of the runbook called by `stepId` during its last visit, with the prefix taken off, and the file it
 *  was as it started (its latest `called-runbook` line). A visit that a resume continued inside the called
 *  runbook (a `resumed` line at the step, then its start) is the same visit. */
function innerVisit(lines: TranscriptLine[], stepId: string): InnerVisit {
  let start = 0;
  let continued = false;
  lines.forEach((l, i) => {
    if (l.type === 'resumed') continued = l.stepId === stepId && l.phase === 'enter';
    else if (l.type === 'step-started' && l.stepId === stepId) { if (!continued) start = i + 1; continued = false; }
  });
  const prefix = `${stepId}/`;
  const strip = (id: string) => id.slice(prefix.length);
  const out: TranscriptLine[] = [];
  let called: InnerVisit['called'];
  for (const l of lines.slice(start)) {
    if (l.type === 'called-runbook' && l.stepId === stepId) { called = { file: l.runbook.file, sha256: l.runbook.sha256 }; continue; }
    if (l.type === 'branch') { if (l.from.startsWith(prefix)) out.push({ ...l, from: strip(l.from), to: strip(l.to) }); continue; }
    if ('stepId' in l && typeof l.stepId === 'string' && l.stepId.startsWith(prefix)) out.push({ ...l, stepId: strip(l.stepId) } as TranscriptLine);
  }
  return { lines: out, ...(called ? { called } : {}) };
}
/** A called runbook's events belong to the calling step, which is in flight until its own step-finished; on
 *  resume the called runbook continues where it stopped (pointOf, nestedPoint). */
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
      walk.branch = { from: line.from, to: line.to };
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
    case 'item-finished':   // 'aborted' (older transcripts): the stop cut it short, so it is in flight, not done
      if (walk.loop?.stepId === line.stepId && line.result.status !== 'aborted') walk.loop.done[line.index] = { index: line.index, label: line.label, result: line.result };
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
  const step = stepById(doc, stepId);
  if (step && isCheck(step) && result.status !== 'skipped') walk.lastCheck = stepId;
  const capture = step?.capture;
  if (capture) setOwn(walk.captures, capture, stepId);
  if (stepId === walk.current) walk.settled = true;
}

function skipped(reason: 'condition' | 'operator'): StepResult {
  return reason === 'operator' ? { status: 'skipped', durationMs: 0, value: 'skipped by operator' } : { status: 'skipped', durationMs: 0 };
}
