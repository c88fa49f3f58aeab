// Appends lines to a transcript: each gets its seq and UTC time and is written synchronously (the kernel has
// it when write() returns, so kill -9 loses nothing). How soon a line is also on the disk (fsync, which is what
// a power cut needs) depends on its type; see SYNCED_AT_ONCE and UNSYNCED. Any failure throws, at the write
// or at the next one after a background sync failed: the run treats the transcript as critical and stops.
import { fstatSync, fsync, statSync } from 'node:fs';
import { closeQuietly, isUnsyncable, syncFile, writeAll } from './file.js';
import { SpaceReserve } from './reserve.js';
import { tell, type TranscriptSink } from './sink.js';

/** Synced before write() returns: the run's start and end, and everything a person said (an answer to a gate
 *  is on disk before the step it allows runs; the fsync also covers every line before it). */
export const SYNCED_AT_ONCE = new Set(['header', 'resumed', 'run-started', 'run-finished', 'confirmation-requested',
  'confirmation-answered', 'question-asked', 'question-answered', 'note',
  // A for_each's list and each finished item: resume must never act on a finished item again.
  'loop-started', 'item-finished',
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
  private readonly identity: { dev: number; ino: number } | undefined;

  private readonly reserve = new SpaceReserve();
  /** The last write failed part-way: the next line starts on a line of its own. */
  private cut = false;
  /** Told of each line after it is written and after it is synced (the team store's uploader). */
  private sink: TranscriptSink | undefined;

  /** `published`: the file is at its final path (not a new transcript still under its hidden name). */
  constructor(
    private readonly fd: number, private where: string, private nextSeq = 0,
    private readonly now: () => Date = () => new Date(), private readonly sync: Syncer = DISK, published = true,
  ) {
    const st = fstatSync(fd);
    this.identity = st.isFile() ? { dev: st.dev, ino: st.ino } : undefined;
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
    if (!UNSYNCED.has(type)) this.checkStillThere();
    const record = { type, seq: this.nextSeq++, ts: this.now().toISOString(), ...fields };
    const text = JSON.stringify(record);
    try {
      writeAll(this.fd, `${this.cut ? '\n' : ''}${text}\n`);
      this.cut = false;
    } catch (e) {
      // Perhaps written in part: a reader takes the cut line for torn. The room held for the last lines is
      // freed now, so that what the run records after this (a finish, its end) fits; this line is lost.
      this.cut = true;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') this.reserve.release();
      throw e;
    }
    tell(this.sink, (s) => s.line(record.seq, text));
    if (syncNow || SYNCED_AT_ONCE.has(type)) {
      this.sync.now(this.fd);
      tell(this.sink, (s) => s.synced(record.seq));
    } else if (!UNSYNCED.has(type) || this.sink) this.syncSoon();
  }

  /** A line written to a file nobody can find again is no record: the path must still lead to the file the run
   *  opened (not deleted, its directory not removed, not replaced by another file). */
  private checkStillThere(): void {
    if (!this.identity) return;
    let now;
    try { now = statSync(this.path); } catch (e) {
      throw new Error(`the transcript is gone from ${this.path} (deleted, or its directory was: ${(e as NodeJS.ErrnoException).code ?? 'gone'})`);
    }
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino) {
      throw new Error(`${this.path} is no longer the transcript this run opened (the file was replaced)`);
    }
    if (fstatSync(this.fd).nlink === 0) throw new Error(`the transcript ${this.path} was deleted`);
  }

  /** Raw text, not a line (ends a torn line on resume); the sync of the next line covers it. */
  writeRaw(text: string): void {
    writeAll(this.fd, text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    let synced = true;
    try { this.sync.now(this.fd); } catch { synced = false; /* the last synced line is what survives */ }
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
