// A file read only when it is a regular file, opened without blocking: a FIFO or a device put at the path must not
// hang the run (nor feed it), and the check is made on the descriptor read, so a swap after the check cannot win.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class NotRegularFile extends Error {}

/** The file's bytes, at most `maxBytes` (larger: NotRegularFile). Open errors (ENOENT, EACCES…) are thrown as is. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFile('not a regular file');
    if (st.size > maxBytes) throw new NotRegularFile(`larger than ${maxBytes} bytes`);
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
