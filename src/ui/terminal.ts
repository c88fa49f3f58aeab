// Whether the operator's terminal is still there. A hung-up terminal reads as end-of-file, just like
// Ctrl-D; what tells them apart is that a process whose terminal hung up has lost it as its controlling
// terminal, so /dev/tty no longer opens.
import { closeSync, openSync } from 'node:fs';

export const TERMINAL_GONE = 'Interrupted: the terminal went away. `runbook resume` continues the run from its transcript.';

/** True when `stdin` was a terminal and this process no longer has one. */
export function terminalGone(stdin: { isTTY?: boolean }): boolean {
  if (stdin.isTTY !== true) return false;
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return false;
  } catch {
    return true;
  }
}

/** Errors a stream gives once its terminal is gone (EIO on Linux; EPIPE/ENXIO/EBADF elsewhere). */
export const isLostTerminal = (e: unknown): boolean =>
  ['EIO', 'ENXIO', 'EBADF', 'EPIPE', 'ENOTCONN', 'ECONNRESET'].includes((e as NodeJS.ErrnoException)?.code ?? '');
