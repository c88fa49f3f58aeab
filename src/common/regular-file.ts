// A file read only when it is a regular file. The path is first opened with O_PATH, which opens nothing for I/O:
// a FIFO's waiting writer is not released, a device's driver is not called (a probe of stop 72 released a writer
// blocked on a `.env` FIFO from a dry run, where the engine's O_RDONLY|O_NONBLOCK open completed its open). Only
// when that descriptor is a regular file is the same inode opened for reading (through /proc/self/fd), and its
// identity checked again, so a swap after the check cannot win.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class NotRegularFile extends Error {}

/** Linux's O_PATH (asm-generic: 010000000), which Node does not export. */
const O_PATH = 0o10000000;

/** The file's bytes, at most `maxBytes` (larger: NotRegularFile). Open errors (ENOENT, EACCES…) are thrown as is. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const handle = openSync(path, O_PATH);
  let fd: number;
  try {
    const st = fstatSync(handle);
    if (!st.isFile()) throw new NotRegularFile('not a regular file');
    fd = openSync(`/proc/self/fd/${handle}`, constants.O_RDONLY | constants.O_NONBLOCK);
    const again = fstatSync(fd);
    if (again.ino !== st.ino || again.dev !== st.dev) { closeSync(fd); throw new NotRegularFile('not a regular file'); }
  } finally { closeSync(handle); }
  try {
    if (fstatSync(fd).size > maxBytes) throw new NotRegularFile(`larger than ${maxBytes} bytes`);
    // Read to the end (a file that grew since fstat), never past maxBytes.
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(64 * 1024);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      total += n;
      if (total > maxBytes) throw new NotRegularFile(`larger than ${maxBytes} bytes`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  } finally { closeSync(fd); }
}
