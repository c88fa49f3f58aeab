// Appends lines to a transcript: each gets its seq and UTC time and is written synchronously (the kernel has
// it when write() returns, so kill -9 loses nothing). How soon a line is also on the disk (fsync, which is what
// a power cut needs) depends on its type; see SYNCED_AT_ONCE and UNSYNCED. Any failure throws, at the write
// or at the next one after a background sync failed: the run treats the transcript as critical and stops.
import { fstatSync, fsync, ftruncateSync, statSync } from 'node:fs';
import { closeQuietly, isUnsyncable, syncFile, writeAll } from './file.js';
import { lockTranscript } from './lock.js';
import { SpaceReserve } from './reserve.js';
import { restoreFromDescriptor } from './restore.js';
import { tell, type TranscriptSink } from './sink.js';

/** Synced before write() returns: the run's start and end, and everything a person said (an answer to a gate
 *  is on disk before the step it allows runs; the fsync also covers every line before it). */
export const SYNCED_AT_ONCE = new Set(['header', 'resumed', 'run-started', 'run-finished', 'confirmation-requested',
  'confirmation-answered', 'question-asked', 'question-answered', 'note',
  // A for_each's list: resume goes on with the same items. (Each finished item of a destructive loop is synced by
  // its writer, transcript/index.ts: resume must never act on a finished item again. A read's items share syncs.)
  'loop-started',
  // The server session a destructive statement is about to be sent on: resume asks whether it still runs.
  'step-session']);

/** A step's start or finish is on the disk within about this long (plus the fsync itself). */
export const SYNC_INTERVAL_MS = 20;

/** Lines that are not synced on their own: the next sync covers them. Losing them in a power cut loses nothing
 *  resume needs: a finished step's branch is taken again from its recorded result, and a skip by condition is
 *  evaluated again. Every other line (a step's start and finish) is synced in the background: the fsync runs
 *  on libuv's thread pool while the run goes on. */
export const UNSYNCED = new Set(['step-output', 'branch', 'step-skipped', 'wait-polled']);

/** How lines reach the disk: now (blocking) or later (on the thread pool, then `done`). A parameter so that
 *  tests can see which lines are synced when, and make a background sync fail; `clock` (ms, default
 *  Date.now) spaces background syncs SYNC_INTERVAL_MS apart, so a test can hold time still. */
export interface Syncer {
  now(fd: number): void;
  later(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void;
  clock?: () => number;
}
const DISK: Syncer = { now: syncFile, later: fsync };

export class TranscriptWriter {
  private closed = false;
  private syncing = false;
  private syncAgain = false;
  private lastSyncAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  /** The file the run opened (a regular file only): every line that matters checks the path still leads to it. */
  private identity: { dev: number; ino: number } | undefined;

  private readonly reserve = new SpaceReserve();
  /** The last write failed part-way and could not be cut back: the next line starts on a line of its own. */
  private cut = false;
  /** Bytes of whole records in the file (regular files): where a failed write is cut back to. */
  private size: number;
  /** Records whose write failed (a full disk), cut back out of the file: written, in order, before the next
   *  line, so that a finish that failed for want of room is still recorded once room is freed. */
  private pending: string[] = [];
  /** The file was deleted under the run and copied back from the open descriptor to this path. */
  restoredTo: string | undefined;
  /** Told of each line after it is written and after it is synced (the team store's uploader). */
  private sink: TranscriptSink | undefined;

  /** `published`: the file is at its final path (not a new transcript still under its hidden name). */
  constructor(
    private fd: number, private where: string, private nextSeq = 0,
    private readonly now: () => Date = () => new Date(), private readonly sync: Syncer = DISK, published = true,
  ) {
    const st = fstatSync(fd);
    this.identity = st.isFile() ? { dev: st.dev, ino: st.ino } : undefined;
    this.size = st.size;
    if (this.identity && published) this.reserve.hold(where);
  }

  get seq(): number { return this.nextSeq; }
  get path(): string { return this.where; }

  /** The file now has this name (a new transcript, written under a hidden name until its header was in). */
  movedTo(path: string): void {
    this.where = path;
    if (this.identity) this.reserve.hold(path);
  }

  private clock(): number { return this.sync.clock?.() ?? Date.now(); }

  /** Lines written from now on are also handed to `sink`, once written and once on the disk. With a sink,
   *  lines that are otherwise left for the next sync (output) are synced in the background too, so that what
   *  leaves the machine is never ahead of the local record and a follower sees output as it comes. */
  attach(sink: TranscriptSink): void { this.sink = sink; }

  /** Writes one line `{type, seq, ts, …fields}`. `syncNow`: synced before this returns whatever its type (the
   *  start and finish of a destructive step: nothing acts, and the run does not move on, before they are on disk). */
  write(line: { type: string } & Record<string, unknown>, syncNow = false): void {
    if (this.closed) throw new Error(`transcript ${this.path} is closed`);
    if (this.failure) throw this.failure;
    const { type, ...fields } = line;
    const lost = UNSYNCED.has(type) ? undefined : this.lostRecord();
    const record = { type, seq: this.nextSeq++, ts: this.now().toISOString(), ...fields };
    const text = JSON.stringify(record);
    this.append(`${text}\n`, !UNSYNCED.has(type));
    // The run stops at this error. A record restored at its path takes the lines that say what already happened
    // (the finish of the step that deleted it, when the deletion is seen at its process's start on a loaded
    // machine, and the run's end); any other loss refuses every line after it.
    if (lost) { if (!this.restoredTo) this.failure = lost; throw lost; }
    tell(this.sink, (s) => s.line(record.seq, text));
    if (syncNow || SYNCED_AT_ONCE.has(type)) {
      this.sync.now(this.fd);
      tell(this.sink, (s) => s.synced(record.seq));
    } else if (!UNSYNCED.has(type) || this.sink) this.syncSoon();
  }

  /** Writes the records that failed before, then `line`. A write that fails part-way is cut back to the last
   *  whole record (a torn fragment in the middle of the file would stop every reader at it); where it cannot be
   *  (not a regular file), the next line starts on a line of its own and readers skip the torn one. `keep`: a
   *  record that failed is written again before the next line (not output: the room freed is for the records
   *  that say what happened, and a chunk of output may not fit in it). */
  private append(line: string, keep: boolean): void {
    const text = `${this.cut ? '\n' : ''}${this.pending.join('')}${line}`;
    try {
      writeAll(this.fd, text);
      this.size += Buffer.byteLength(text);
      this.cut = false;
      this.pending = [];
    } catch (e) {
      // The room held for the last lines is freed now, so that what the run records after this (a finish, its
      // end) fits; this line is written with them.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') this.reserve.release();
      if (!this.cutBack()) this.cut = true;
      else if (keep) this.pending.push(line);
      throw e;
    }
  }

  private cutBack(): boolean {
    if (!this.identity) return false;
    try { ftruncateSync(this.fd, this.size); return true; } catch { return false; }
  }

  /**
   * A line written to a file nobody can find again is no record: the path must still lead to the file the run
   * opened. When it does not, the error that stops the run (returned). A file deleted under the run (or its
   * directory) is copied back from the open descriptor first (restore.ts) and written on there: the lines that
   * record what already happened (the finish of the step that deleted it) are kept for the resume.
   */
  private lostRecord(): Error | undefined {
    if (!this.identity) return undefined;
    let now;
    try { now = statSync(this.path); } catch { now = undefined; }
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino && fstatSync(this.fd).nlink > 0) return undefined;
    if (fstatSync(this.fd).nlink > 0) return new Error(`${this.path} is no longer the transcript this run opened (the file was replaced or moved)`);
    const was = this.path;
    const restored = restoreFromDescriptor(this.fd, was);
    if (!restored) return new Error(`the transcript ${was} was deleted (or its directory was), and could not be restored`);
    try { lockTranscript(restored.fd, restored.path); } catch { /* the run's own lock (run-state.ts) still holds */ }
    closeQuietly(this.fd);
    this.fd = restored.fd;
    this.where = restored.path;
    this.restoredTo = restored.path;
    const st = fstatSync(this.fd);
    this.identity = { dev: st.dev, ino: st.ino };
    this.reserve.hold(this.where);
    return new Error(`the transcript ${was} was deleted (or its directory was) during the run; its record is restored at ${restored.path}`);
  }

  /** Deleted (or its directory) after the run's last line, while it closed up: the descriptor is the record's
   *  last copy, so it is copied back before it is closed (nothing to stop now: the run has ended). */
  private keepIfDeleted(): void {
    try {
      if (!this.identity || fstatSync(this.fd).nlink > 0) return;
    } catch { return; }
    const restored = restoreFromDescriptor(this.fd, this.path);
    if (!restored) return;
    closeQuietly(this.fd);
    this.fd = restored.fd;
    this.where = restored.path;
    this.restoredTo = restored.path;
  }

  /** Raw text, not a line (ends a torn line on resume); the sync of the next line covers it. */
  writeRaw(text: string): void {
    writeAll(this.fd, text);
    this.size += Buffer.byteLength(text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (this.pending.length > 0) { try { this.append('', false); } catch { /* still no room: they are lost with the disk */ } }
    let synced = true;
    try { this.sync.now(this.fd); } catch { synced = false; /* the last synced line is what survives */ }
    this.keepIfDeleted();
    closeQuietly(this.fd);
    this.reserve.release();
    if (synced) tell(this.sink, (s) => s.synced(this.nextSeq - 1));
    tell(this.sink, (s) => s.closed());
  }

  /** One background fsync at a time, and at most one per SYNC_INTERVAL_MS: a burst of short steps shares one. */
  private syncSoon(): void {
    if (this.syncing || this.timer) { this.syncAgain = true; return; }
    const wait = this.lastSyncAt + SYNC_INTERVAL_MS - this.clock();
    if (wait > 0) {
      this.timer = setTimeout(() => { this.timer = undefined; this.syncSoon(); }, wait).unref(); // close() syncs anyway
      return;
    }
    this.syncing = true;
    this.syncAgain = false; // this sync covers every line written so far
    this.lastSyncAt = this.clock();
    const upTo = this.nextSeq - 1;
    this.sync.later(this.fd, (err) => {
      this.syncing = false;
      if (this.closed) return; // close() synced; an error here is about a closed descriptor
      if (err && !isUnsyncable(err)) { this.failure = err; return; }
      tell(this.sink, (s) => s.synced(upTo));
      if (this.syncAgain) this.syncSoon();
    });
  }
}
