// A transcript deleted under a running run (the file, or its whole directory) is still open in the run: its
// bytes live as long as the descriptor does. They are copied back to a file at the transcript's path (its
// directory made again, 0700), so that the run can be resumed and the postmortem keeps its record; to a name
// beside it when another file took the path meanwhile.
import { constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { closeQuietly, makeDirs, syncDirectory, syncFile } from './file.js';

/** Where the record can go: its own path first, then beside it. */
function candidates(path: string): string[] {
  return [path, `${path}.restored`, `${path}.restored-${process.pid}`];
}

/** Copies the open file `fd` to a new file near `path` and returns that file's path and descriptor (open for
 *  appending, synced); undefined when it cannot be read back or written anywhere. */
export function restoreFromDescriptor(fd: number, path: string): { path: string; fd: number } | undefined {
  let bytes: Buffer;
  try { bytes = readFileSync(`/proc/self/fd/${fd}`); } catch { return undefined; }
  for (const target of candidates(path)) {
    if (existsSync(target)) continue;
    let out: number | undefined;
    try {
      makeDirs(dirname(target));
      out = openSync(target, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      for (let off = 0; off < bytes.length;) off += writeSync(out, bytes, off, bytes.length - off);
      syncFile(out);
      syncDirectory(dirname(target));
      return { path: target, fd: out };
    } catch {
      if (out !== undefined) closeQuietly(out);
    }
  }
  return undefined;
}
