// One record per run of how far it got, whichever file it was written to: a copy of a transcript, or an older
// version of it, is the same run (the header's run id), and must not be resumed once the run went further
// elsewhere — the steps it finished there would run again. Kept per user, in $XDG_STATE_HOME/runbook/runs
// (default ~/.local/state/runbook/runs), one small JSON file per run id, replaced atomically as the run goes.
// A lock on the run id (not on a transcript path) keeps two copies from being driven at the same time.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { stateBase } from '../common/record-key-file.js';
import { lockTranscript } from './lock.js';
import { lastSeqOf, type Transcript } from './reader.js';
import type { HeaderLine } from '../events/schema.js';

export interface RunState {
  runId: string;
  transcript: string;     // where the run last wrote (real path)
  seq: number;            // its last line known to be on disk there
  outcome?: string;       // how it ended, once it did (interrupted included: resumable)
  host: string; pid: number; updatedAt: string;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateBase(env), 'runbook', 'runs');
}

/** The run a transcript belongs to: its header's run id; for transcripts written before the header had one,
 *  its first run-started's, else a digest of the header (the same in every copy). */
export function runIdOf(t: Pick<Transcript, 'header' | 'lines'>): string {
  const header = t.header as HeaderLine & { runId?: string };
  if (header.runId) return header.runId;
  const started = t.lines.find((l) => l.type === 'run-started');
  if (started && started.type === 'run-started') return started.runId;
  return `h-${createHash('sha256').update(`${header.host}\0${header.pid}\0${header.ts}\0${header.runbook.sha256}`).digest('hex').slice(0, 32)}`;
}

const fileOf = (runId: string) => join(stateDir(), `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);

export function readRunState(runId: string): RunState | undefined {
  try { return JSON.parse(readFileSync(fileOf(runId), 'utf8')) as RunState; } catch { return undefined; }
}

/** Best effort: a state directory that cannot be written must not stop a run (its transcript is the record). */
export function writeRunState(state: Omit<RunState, 'host' | 'pid' | 'updatedAt'>, host: string): void {
  writeAtomically(fileOf(state.runId), { ...state, host, pid: process.pid, updatedAt: new Date().toISOString() });
}

function writeAtomically(file: string, value: unknown): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  } catch { /* best effort, as writeRunState */ }
}

// Which run last wrote a transcript, by the file's real path: what checkNotRenamed asks, in one read. It used to
// read every run's record, and a state directory holds one per run ever made (99,000 on a test machine: ~0.35 s
// a resume). Written when a run opens the file (a run or resume starts writing there); built once by a scan from
// the run records when the directory predates it (a run made by an earlier build is indexed too).
const byPathDir = () => join(stateDir(), 'by-path');
/** In by-path once the index is complete. */
const READY = 'index-built.json';
const byPathOf = (path: string) => join(byPathDir(), `${createHash('sha256').update(path).digest('hex').slice(0, 40)}.json`);

/** Records that run `runId` writes the transcript at real path `path` now. */
export function notePath(runId: string, path: string): void {
  indexed();
  writeAtomically(byPathOf(path), { runId, transcript: path });
}

/** The by-path index exists (built from the run records the first time it is needed). */
function indexed(): void {
  if (existsSync(join(byPathDir(), READY))) return;
  let names: string[];
  try { names = readdirSync(stateDir()).filter((n) => n.endsWith('.json')); } catch { names = []; }
  const latest = new Map<string, RunState>();
  for (const name of names) {
    let r: RunState;
    try { r = JSON.parse(readFileSync(join(stateDir(), name), 'utf8')) as RunState; } catch { continue; }
    const seen = latest.get(r.transcript);
    if (!seen || seen.updatedAt < r.updatedAt) latest.set(r.transcript, r);
  }
  for (const r of latest.values()) writeAtomically(byPathOf(r.transcript), { runId: r.runId, transcript: r.transcript });
  writeAtomically(join(byPathDir(), READY), { builtAt: new Date().toISOString() });
}

export const realPath = (path: string): string => { try { return realpathSync(path); } catch { return resolve(path); } };

/** Takes the run's lock for this process's life (released when it exits, however). Refuses, naming where the
 *  run is being driven, when another process holds it. */
export function lockRun(runId: string): () => void {
  const file = `${fileOf(runId).slice(0, -'.json'.length)}.lock`;
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    fd = openSync(file, 'a', 0o600);
  } catch {
    return () => undefined; // no state directory: the transcript's own lock still holds for its file
  }
  try {
    lockTranscript(fd, file);
  } catch (e) {
    closeSync(fd);
    const state = readRunState(runId);
    if (!(e instanceof UserError) || !/still going/.test(e.message)) throw e;
    throw new UserError(`refusing to resume: this run (${runId}) is being driven right now${state ? ` from ${state.transcript} (pid ${state.pid} on ${state.host})` : ''}; ` +
      'a copy of its transcript cannot be resumed beside it. Let that one finish, or stop it first');
  }
  // The lock lives as long as the descriptor: until released, or the process ends however it ends.
  let open = true;
  return () => { if (open) { open = false; try { closeSync(fd); } catch { /* closed */ } } };
}

/** Refuses a transcript the run has gone further than: a copy, or an older version of the file. */
export function checkNotBehind(t: Transcript): void {
  const runId = runIdOf(t);
  const state = readRunState(runId);
  const here = realPath(t.path);
  if (!state) return checkNotRenamed(runId, here);
  const last = lastSeqOf(t);
  if (state.seq <= last) return;
  const where = state.transcript === here ? 'this file, in a later version than the one here' : state.transcript;
  const ended = state.outcome && state.outcome !== 'interrupted' ? `, and ended ${state.outcome}` : state.outcome === 'interrupted' ? ', and was interrupted there' : '';
  throw new UserError(`refusing to resume: this transcript is behind its run (${runId}). The run went further in ${where} ` +
    `(line ${state.seq}, ${state.updatedAt} by pid ${state.pid} on ${state.host}${ended}), so steps it finished there would run again here. ` +
    `${state.transcript === here ? 'Restore the newer file' : `Resume that one: runbook resume ${state.transcript}`}`);
}

/**
 * A run this machine does not know, in a file another run last wrote: the run id in it was changed (by hand, or
 * a file put in its place), and the record that would refuse it as behind is under that other id. Refused
 * rather than started over: the steps the other run finished in this file would run again.
 */
function checkNotRenamed(runId: string, here: string): void {
  if (!existsSync(stateDir())) return;
  indexed();
  let last: { runId: string; transcript: string };
  try { last = JSON.parse(readFileSync(byPathOf(here), 'utf8')) as typeof last; } catch { return; }
  // The run that last wrote here, if its own record still says so (it may have gone on in another file since).
  const other = last.transcript === here && last.runId !== runId ? readRunState(last.runId) : undefined;
  if (other && other.transcript === here) {
    throw new UserError(`refusing to resume: this file was last written by run ${other.runId} (line ${other.seq}, ${other.updatedAt} by pid ` +
      `${other.pid} on ${other.host}), but it now says it is run ${runId}: it was edited or replaced, so steps that run finished here ` +
      'would run again. Restore the file that run wrote');
  }
}
