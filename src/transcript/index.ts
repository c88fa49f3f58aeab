// The transcript of a run: attached before the run starts, as a critical listener, so a write that fails
// stops the run ("nothing runs without a record"). Prints nothing: the UI shows the path.
import { fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import type { RunEvent } from '../engine/events.js';
import type { Run } from '../engine/run.js';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { cannotRecord, closeQuietly, describeFsError, openTranscriptFile, publishTranscript, unlinkQuietly } from './file.js';
import { headerLine, resumedLine, type ResumeMarker, type Who } from './header.js';
import type { CalledFile } from '../catalog/called-files.js';
import { lockTranscript } from './lock.js';
import { finishedRecord } from './finished-record.js';
import { OutputBudget } from './output-budget.js';
import { OutputTrack, withoutItemOutput } from './output-refs.js';
import { defaultTranscriptPath } from './paths.js';
import { lastSeqOf } from './reader.js';
import { readForResume } from './resume-read.js';
import { SYNCED_AT_ONCE, TranscriptWriter, type Syncer } from './writer.js';
import type { RunPlace } from './run-place.js';
import { lockRun, notePath, realPath, runIdOf, writeRunState } from './run-state.js';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileLines, type TranscriptSink } from './sink.js';

export interface AttachOptions {
  file?: string | undefined;       // default ./runbook-transcripts/<UTC time>-<runbook>.jsonl
  argv: string[];
  redactor?: Redactor;             // masks argv, inputs and target in the header (events arrive masked)
  inputs?: Record<string, unknown>;
  target?: string;
  resume?: ResumeMarker;           // continue the existing transcript `file` instead of starting one
  /** On resume: `file`, already open for appending and locked (see openLockedForResume). */
  locked?: LockedTranscript;
  outputLimitBytes?: number;       // per step visit; default 256 KiB
  /** Every runbook file below the run's own it may load (header `calls`); see catalog/called-files.ts. */
  calls?: CalledFile[];
  /** Also handed every line once it is on the disk (the team store's uploader); a resume hands it the lines
   *  already in the file first. */
  sink?: TranscriptSink;
  /** Where the run acts besides its connections: recorded in the header for resume to compare. */
  place?: RunPlace;
  /** The team store role the run is driven as (header and resume marker): who the team knows, not the OS user. */
  storeRole?: string;
  /** How lines reach the disk (default: fsync); tests see which lines are synced when. */
  sync?: Syncer;
}

export interface TranscriptHandle { path: string; close(): void }

export function attachTranscript(run: Run, runbook: Runbook, opts: AttachOptions): TranscriptHandle {
  const who: Who = { operator: run.operator, ...(opts.storeRole ? { storeRole: opts.storeRole } : {}), argv: opts.argv, ...(opts.redactor ? { redactor: opts.redactor } : {}) };
  const opened = opts.resume ? openForResume(runbook, who, opts, opts.resume) : openNew(runbook, who, opts, run.runId);
  const { writer } = opened;
  const state: RecordState = {
    budget: new OutputBudget(opts.outputLimitBytes), output: new OutputTrack(), destructive: new Set(),
    progress: { runId: opened.runId, transcript: realPath(writer.path) },
  };
  saveProgress(writer, state);
  notePath(opened.runId, state.progress.transcript);
  run.on((event) => record(writer, state, event), { critical: true });
  return { path: writer.path, close: () => { writer.close(); opened.release?.(); } };
}

interface Opened { writer: TranscriptWriter; runId: string; release?: () => void }

function openNew(runbook: Runbook, who: Who, opts: AttachOptions, runId: string): Opened {
  const path = opts.file ? resolve(opts.file) : defaultTranscriptPath(runbook.doc.name);
  const created = openTranscriptFile(path, 'new');
  const { fd } = created;
  const drop = () => { closeQuietly(fd); if (created.partial) unlinkQuietly(created.partial); };
  // Held until the run closes the transcript (or dies): a second run or resume of this file is refused.
  try {
    lockTranscript(fd, path);
    // Another run may have created and finished it between our open and our lock.
    if (fstatSync(fd).size > 0) throw new UserError(`refusing to start: ${path} already holds a transcript; continue it with 'runbook resume ${path}' or give another file with --transcript`);
  } catch (e) { drop(); throw e; }
  // Written under its hidden name, then put in place: the transcript exists only with its header.
  const writer = new TranscriptWriter(fd, created.partial ?? path, 0, undefined, opts.sync, !created.partial);
  if (opts.sink) writer.attach(opts.sink);
  firstLine(writer, false, () => writer.write(headerLine(runbook, who, opts.inputs ?? {}, opts.target, runId, opts.calls, opts.place)), path);
  try { publishTranscript(created, path); } catch (e) { writer.close(); if (created.partial) unlinkQuietly(created.partial); throw e; }
  if (created.partial) writer.movedTo(path);
  // A fresh id: nobody else holds it; taken so that a resume of a copy meanwhile is refused.
  return { writer, runId, release: lockRun(runId) };
}

function openForResume(runbook: Runbook, who: Who, opts: AttachOptions, marker: ResumeMarker): Opened {
  if (!opts.file) throw new Error('resuming needs the transcript to append to');
  const path = resolve(opts.file);
  const locked = opts.locked ?? openLockedForResume(path);
  const before = readForResume(path); // read under the lock: no other process appends meanwhile
  const fd = locked.fd;
  locked.taken = true; // the writer closes it from here on
  const lastSeq = lastSeqOf(before);
  // A torn last line took a seq before it was cut short: skip past it so no seq is used twice.
  const torn = before.tornTail ? 1 : 0;
  const writer = new TranscriptWriter(fd, path, lastSeq + 1 + torn, undefined, opts.sync);
  if (opts.sink) {
    const sink = opts.sink;
    for (const l of fileLines(readFileSync(path, 'utf8'))) sink.line(l.seq, l.text);
    writer.attach(sink); // the resumed line, synced at once, covers everything before it
  }
  firstLine(writer, true, () => {
    if (!before.endsClean) writer.writeRaw('\n');   // end the torn line so the marker starts a line of its own
    writer.write(resumedLine(runbook, who, marker, torn));
  });
  return { writer, runId: runIdOf(before) };
}

/** Opens an existing transcript for appending and takes its lock, before anything of it is read to decide
 *  how to continue: two resumes racing for one transcript cannot both rebuild the same state and both run. */
export function openLockedForResume(path: string, lastWriter?: () => number | undefined): LockedTranscript {
  const fd = openTranscriptFile(path, 'append');
  try { lockTranscript(fd, path, lastWriter); } catch (e) { closeQuietly(fd); throw e; }
  return { fd, taken: false };
}

/** An open, locked transcript; `taken` once a writer owns (and will close) the descriptor. */
export interface LockedTranscript { fd: number; taken: boolean }

/** Drops the lock of a transcript no writer took (a resume that refused after locking). */
export function releaseUntaken(locked: LockedTranscript): void {
  if (!locked.taken) closeQuietly(locked.fd);
  locked.taken = true;
}

/** The first write proves the file takes data (a full disk accepts the open, then fails the write). */
function firstLine(writer: TranscriptWriter, resuming: boolean, write: () => void, path = writer.path): void {
  try {
    write();
  } catch (e) {
    writer.close();
    if (path !== writer.path) unlinkQuietly(writer.path); // the hidden file of a new transcript
    throw cannotRecord(path, e, resuming);
  }
}

interface RecordState {
  budget: OutputBudget; output: OutputTrack; destructive: Set<string>; failed?: boolean;
  progress: { runId: string; transcript: string; outcome?: string };
}

/** How far the run got, in the per-user state (run-state.ts): the last line known to be on the disk. */
function saveProgress(writer: TranscriptWriter, state: RecordState): void {
  writeRunState({ ...state.progress, seq: writer.seq - 1 }, hostname());
}

function record(writer: TranscriptWriter, state: RecordState, event: RunEvent): void {
  const { budget, output } = state;
  // After a failed write the run is stopping: only what resume needs (finishes, the end) uses the room left.
  if (state.failed && (event.type === 'step-output' || event.type === 'wait-polled')) {
    // Still counted as the step's output: its finish names it (small) and the reader says what is missing.
    if (event.type === 'step-output') output.add(event.stepId, event.stream, event.chunk);
    return;
  }
  try {
    if (event.type === 'step-started') {
      budget.stepStarted(event.stepId, event.attempt);
      output.begin(event.stepId);
      if (event.destructive && !event.dryRun) state.destructive.add(event.stepId);
      else state.destructive.delete(event.stepId);
      // A destructive step acts only once its start is on the disk.
      writer.write({ ...event }, state.destructive.has(event.stepId));
      if (state.destructive.has(event.stepId)) saveProgress(writer, state);
      return;
    }
    if (event.type === 'step-output') {
      const chunk = budget.take(event.stepId, event.chunk);
      if (chunk) { output.add(event.stepId, event.stream, chunk); writer.write({ ...event, chunk }); }
      return;
    }
    if (event.type === 'item-finished') {
      // Group commit: an item of a destructive loop is on the disk before the next item acts; the items of a read
      // share the background syncs (a power cut may run a read again, never an act).
      const { result, refs } = output.take(event.stepId, event.result);
      const acted = state.destructive.has(event.stepId);
      writer.write({ ...event, result, ...(refs ? { output: refs } : {}) }, acted);
      if (acted) saveProgress(writer, state);
      return;
    }
    if (event.type === 'step-finished') {
      if (!event.willRetry) {
        const over = budget.overflow(event.stepId);
        if (over) writer.write({ type: 'output-dropped', stepId: event.stepId, attempt: event.attempt, recordedBytes: over.recorded, droppedBytes: over.dropped, limitBytes: budget.limitBytes });
      }
      // Small, and (for a destructive step) on the disk before the run moves on: see output-refs.ts.
      const { result: own, refs } = output.take(event.stepId, event.result);
      const { result, itemsOutput } = withoutItemOutput(own);
      writer.write({ ...finishedRecord({ ...event, result, ...(refs ? { output: refs } : {}), ...(itemsOutput ? { itemsOutput } : {}) }) }, state.destructive.has(event.stepId));
      if (state.destructive.has(event.stepId)) saveProgress(writer, state);
      return;
    }
    writer.write({ ...event });
    if (event.type === 'run-finished') state.progress.outcome = event.outcome;
    if (SYNCED_AT_ONCE.has(event.type)) saveProgress(writer, state);
  } catch (e) {
    state.failed = true;
    throw new Error(`transcript ${writer.path}: ${describeFsError(e)}`);
  }
}

export { readTranscript, eventsOf, type Transcript } from './reader.js';
export type { ResumeMarker } from './header.js';
