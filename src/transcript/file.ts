// The transcript file itself: opened for appending only, written synchronously, synced on request.
// A transcript that cannot be written is a reason not to start: nothing runs without a record.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, readFileSync, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
export function openTranscriptFile(path: string, mode: 'append'): number;
export function openTranscriptFile(path: string, mode: 'new'): NewTranscript;
export function openTranscriptFile(path: string, mode: 'new' | 'append'): number | NewTranscript {
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
    return { fd: openOrRefuse(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW, false) };
  }
  if (existing) throw existingFile(path, existing.isSymbolicLink());
  // Written under a hidden name first: the transcript appears at its path only with its header (publishTranscript).
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  return { fd: openOrRefuse(partial, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, false, 0o600, path), partial };
}

/** A new transcript's descriptor; `partial`: the hidden file it is written to until its header is in. */
export interface NewTranscript { fd: number; partial?: string }

/** Puts the hidden file (header written and synced) at the transcript's path, never over an existing file
 *  (link(2) fails if the name is taken), then drops the hidden name. A death before this leaves no transcript. */
export function publishTranscript(t: NewTranscript, path: string): void {
  if (!t.partial) return;
  try {
    linkSync(t.partial, path);
  } catch (e) {
    unlinkQuietly(t.partial);
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw existingFile(path, lstatQuietly(path)?.isSymbolicLink() ?? false);
    throw cannotRecord(path, e);
  }
  unlinkQuietly(t.partial);
  syncDirectory(dirname(path));
}

export function unlinkQuietly(path: string): void {
  try { unlinkSync(path); } catch { /* already gone */ }
}

/** The directory entry itself on the disk (a power cut after this keeps the name). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try { fd = openSync(dir, 'r'); fsyncSync(fd); } catch { /* not every file system syncs a directory */ } finally { if (fd !== undefined) closeQuietly(fd); }
}

/** `shown`: the path the operator gave (a new transcript is opened under a hidden name beside it). */
function openOrRefuse(path: string, flags: number, resuming: boolean, mode?: number, shown = path): number {
  try {
    return openSync(path, flags, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw symlinkError(shown, resuming);
    if (code === 'EEXIST') throw existingFile(shown, lstatQuietly(shown)?.isSymbolicLink() ?? false); // created meanwhile
    throw cannotRecord(shown, e, resuming);
  }
}

const symlinkError = (path: string, resuming: boolean) =>
  new UserError(`refusing to ${resuming ? 'resume' : 'start'}: the transcript path ${path} is a symbolic link; give the real file${resuming ? '' : ', or another --transcript'}`);

function existingFile(path: string, symlink: boolean): UserError {
  if (symlink) return symlinkError(path, false);
  if (fileHoldsTranscript(path)) {
    return new UserError(`refusing to start: ${path} already holds a transcript; continue it with 'runbook resume ${path}' or give another file with --transcript`);
  }
  const empty = headerless(path);
  if (empty) return new UserError(`refusing to start: ${path} ${empty}`);
  return new UserError(`refusing to start: ${path} already exists; a transcript is always a new file: give another file with --transcript`);
}

/** A file left by a run of an older version that died before writing its header: nothing ran from it. Says so,
 *  with the one command that clears it; undefined for any other file. */
export function headerless(path: string): string | undefined {
  const st = statQuietly(path);
  if (!st?.isFile()) return undefined;
  let text = '';
  try { text = readFileSync(path, 'utf8').slice(0, 64 * 1024); } catch { return undefined; }
  if (text.trim() !== '' && !/^\s*\{"type":"header"/.test(text)) return undefined;
  if (text.trim() !== '' && text.includes('\n')) return undefined;
  return `is ${st.size === 0 ? 'empty' : 'a transcript header cut short'}: a run died before its first line was complete, so nothing ran from it. Remove it with: rm ${shellWord(path)}`;
}

const shellWord = (s: string): string => (/^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

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
export function makeDirs(dir: string): void {
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
