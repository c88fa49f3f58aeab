// The transcript file itself: opened for appending only, written synchronously, synced on request.
// A transcript that cannot be written is a reason not to start: nothing runs without a record.
import { closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, statSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../common/errors.js';
import { fileHoldsTranscript } from './detect.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system',
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', ENOTDIR: 'a parent of it is not a directory',
  ENOENT: 'no such file or directory', EISDIR: 'it is a directory', EIO: 'input/output error', EEXIST: 'a parent of it is a file',
  EFBIG: 'file too large', ELOOP: 'it is a symbolic link',
};

/** One line for an fs error: what failed, in words, with the code people search for. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code ? `${REASONS[code] ?? (e as Error).message} (${code})` : String((e as Error)?.message ?? e);
}

export function cannotRecord(path: string, e: unknown, resuming = false): UserError {
  const why = `cannot write the transcript ${path}: ${describeFsError(e)}`;
  return new UserError(resuming ? `refusing to resume: ${why}. A resumed run appends to the transcript it continues; fix that first.`
    : `refusing to start: ${why}. Fix that, give another file with --transcript <file>, or run with --no-transcript.`);
}

/**
 * new: a file of its own, created 0600 (O_CREAT|O_EXCL|O_NOFOLLOW: never an existing file, never through a
 * symbolic link), in a directory created 0700 when missing; a directory anyone may write to (no sticky bit)
 * is refused, since anyone could swap the transcript under the run. An existing character device or FIFO
 * (/dev/full, a pipe) is a stream, not a file to protect: it is opened as it is.
 * append: continue an existing transcript, never through a symbolic link.
 */
export function openTranscriptFile(path: string, mode: 'new' | 'append'): number {
  const resuming = mode === 'append';
  if (resuming) return openOrRefuse(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW, true);
  try {
    makeDirs(dirname(path));
  } catch (e) {
    throw cannotRecord(path, e);
  }
  checkDirectory(dirname(path));
  const existing = lstatQuietly(path);
  if (existing && (existing.isCharacterDevice() || existing.isFIFO())) {
    return openOrRefuse(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW, false);
  }
  if (existing) throw existingFile(path, existing.isSymbolicLink());
  return openOrRefuse(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, false, 0o600);
}

function openOrRefuse(path: string, flags: number, resuming: boolean, mode?: number): number {
  try {
    return openSync(path, flags, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw symlinkError(path, resuming);
    if (code === 'EEXIST') throw existingFile(path, lstatQuietly(path)?.isSymbolicLink() ?? false); // created meanwhile
    throw cannotRecord(path, e, resuming);
  }
}

const symlinkError = (path: string, resuming: boolean) =>
  new UserError(`refusing to ${resuming ? 'resume' : 'start'}: the transcript path ${path} is a symbolic link; give the real file${resuming ? '' : ', or another --transcript'}`);

function existingFile(path: string, symlink: boolean): UserError {
  if (symlink) return symlinkError(path, false);
  if (fileHoldsTranscript(path)) {
    return new UserError(`refusing to start: ${path} already holds a transcript; continue it with 'runbook resume ${path}' or give another file with --transcript`);
  }
  return new UserError(`refusing to start: ${path} already exists; a transcript is always a new file: give another file with --transcript`);
}

/** A directory others can write to (and, without the sticky bit, rename or delete in) is no place for a record. */
function checkDirectory(dir: string): void {
  const st = statQuietly(dir);
  if (st && (st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) {
    throw new UserError(`refusing to start: the transcript directory ${dir} is writable by everyone (mode ${(st.mode & 0o7777).toString(8)}), so anyone could replace the record; use a private directory (chmod 700) or another --transcript`);
  }
}

const lstatQuietly = (path: string): Stats | undefined => { try { return lstatSync(path); } catch { return undefined; } };
const statQuietly = (path: string): Stats | undefined => { try { return statSync(path); } catch { return undefined; } };

/** mkdir -p, one level at a time, each new level 0700: Node's recursive mkdir loops forever where mkdir
 *  keeps failing with ENOENT under an existing parent (e.g. /proc/x/y), and a run must refuse, not hang. */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d, { mode: 0o700 });
}

/** writeSync may write less than asked (e.g. a full pipe); loop until every byte is out or it throws. */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** fsync; a target that cannot sync (a pipe, /dev/null) is not an error. */
export function syncFile(fd: number): void {
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!isUnsyncable(e as NodeJS.ErrnoException)) throw e;
  }
}

/** The error fsync gives for a target that cannot be synced (a pipe, /dev/null). */
export function isUnsyncable(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EINVAL' || err.code === 'ENOTSUP' || err.code === 'EOPNOTSUPP';
}

export function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already closed or the disk went away: nothing left to save */ }
}
