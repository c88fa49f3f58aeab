// Every file a command writes for the operator (report -o, new, test --from-transcript -o) goes through here. A transcript is never
// overwritten, whatever the flags: it is the record of an incident, and `report t.jsonl -o t.jsonl` is an
// easy slip. Any other existing file is replaced only with --force; a symbolic link at the path is refused
// (O_NOFOLLOW), so a planted link cannot redirect the write.
import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../common/errors.js';
import { fdHoldsTranscript } from '../transcript/detect.js';
import { describeFsError } from '../transcript/file.js';

export interface WriteOptions { force?: boolean; what?: string }

export function writeOutputFile(path: string, text: string, opts: WriteOptions = {}): void {
  updateOutputFile(path, () => text, opts);
}

/**
 * Writes what `update` makes of the file's current text (undefined when there was no file): for a file a
 * command adds to (`test --from-transcript -o` appends a case). Read and written through one descriptor opened
 * without following a link, so what is read is what is replaced. A transcript is never replaced; another
 * existing file only when `update` accepts it (it throws a UserError otherwise) or with --force for plain writes.
 */
export function updateOutputFile(path: string, update: (existing: string | undefined) => string, opts: WriteOptions & { adds?: boolean } = {}): void {
  const fd = openForOutput(path);
  try {
    if (fd.existed) refuseOverwrite(path, fd.fd, opts.force === true || opts.adds === true);
    const text = update(fd.existed ? readAll(fd.fd) : undefined);
    ftruncateSync(fd.fd, 0);
    const bytes = Buffer.from(text, 'utf8');
    for (let off = 0; off < bytes.length;) off += writeSync(fd.fd, bytes, off, bytes.length - off, off);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write ${path}: ${describeFsError(e)}`);
  } finally {
    closeSync(fd.fd);
  }
}

/**
 * Writes `pieces` (a document made as it is written: report of a long transcript) under writeOutputFile's rules.
 * The first piece is made before the file is opened, so a command that fails at once (not a transcript) leaves
 * no file behind; a file this call created is removed again when a later piece fails.
 */
export function writeOutputPieces(path: string, pieces: Iterable<string>, opts: WriteOptions = {}): void {
  const it = pieces[Symbol.iterator]();
  const first = it.next();
  const fd = openForOutput(path);
  try {
    if (fd.existed) refuseOverwrite(path, fd.fd, opts.force === true);
    ftruncateSync(fd.fd, 0);
    let at = 0;
    for (const chunk of batched(first, it)) {
      const bytes = Buffer.from(chunk, 'utf8');
      for (let off = 0; off < bytes.length;) off += writeSync(fd.fd, bytes, off, bytes.length - off, at + off);
      at += bytes.length;
    }
  } catch (e) {
    if (!fd.existed) rmSync(path, { force: true });
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write ${path}: ${describeFsError(e)}`);
  } finally {
    closeSync(fd.fd);
  }
}

/** Pieces joined into writes of about 64 KiB: one system call per piece would be one per line of a report. */
export function* batched(first: IteratorResult<string>, rest: Iterator<string>): Generator<string> {
  let buffer = '';
  for (let step = first; !step.done; step = rest.next()) {
    buffer += step.value;
    if (buffer.length >= 65536) { yield buffer; buffer = ''; }
  }
  if (buffer) yield buffer;
}

/** Opens without truncating (the content is checked first) and without following a symbolic link. */
function openForOutput(path: string): { fd: number; existed: boolean } {
  try {
    mkdirSync(dirname(path), { recursive: true });
    try {
      return { fd: openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644), existed: false };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return { fd: openSync(path, constants.O_RDWR | constants.O_NOFOLLOW), existed: true };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new UserError(`refusing to write ${path}: it is a symbolic link; give the real path`);
    throw new UserError(`cannot write ${path}: ${describeFsError(e)}`);
  }
}

function refuseOverwrite(path: string, fd: number, force: boolean): void {
  if (fdHoldsTranscript(fd)) throw new UserError(`refusing to overwrite ${path}: it is a runbook transcript (the record of a run); write to another file`);
  if (!force) throw new UserError(`refusing to overwrite ${path}: it already exists (use --force to replace it)`);
}

function readAll(fd: number): string {
  const buf = Buffer.alloc(fstatSync(fd).size);
  for (let off = 0; off < buf.length;) {
    const n = readSync(fd, buf, off, buf.length - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.toString('utf8');
}
