// The transcript file itself: opened for appending only, written synchronously, synced on request.
// A transcript that cannot be written is a reason not to start: nothing runs without a record.
import { closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../common/errors.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system',
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', ENOTDIR: 'a parent of it is not a directory',
  ENOENT: 'no such file or directory', EISDIR: 'it is a directory', EIO: 'input/output error', EEXIST: 'a parent of it is a file',
  EFBIG: 'file too large',
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

/** new: create (with its directory) a file that holds nothing yet. append: continue an existing transcript. */
export function openTranscriptFile(path: string, mode: 'new' | 'append'): number {
  let fd: number;
  try {
    if (mode === 'new') makeDirs(dirname(path));
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | (mode === 'new' ? constants.O_CREAT : 0), 0o644);
  } catch (e) {
    throw cannotRecord(path, e, mode === 'append');
  }
  const stat = fstatSync(fd);
  if (mode === 'new' && stat.isFile() && stat.size > 0) {
    closeSync(fd);
    throw new UserError(`refusing to start: ${path} already holds a transcript; continue it with 'runbook resume ${path}' or give another file with --transcript`);
  }
  return fd;
}

/** mkdir -p, one level at a time: Node's recursive mkdir loops forever where mkdir keeps failing with
 *  ENOENT under an existing parent (e.g. /proc/x/y), and a run must refuse, not hang. */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
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
