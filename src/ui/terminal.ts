// Whether the operator's terminal is still there. A hung-up terminal reads as end-of-file, just like
// Ctrl-D; what tells them apart is that a process whose terminal hung up has lost it as its controlling
// terminal, so /dev/tty no longer opens.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

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

/** At exit, a terminal that hung up is let go of before Node's own teardown touches it. Node 20 restores the
 *  terminal's settings of its start on every tty of fds 0–2 as it exits and aborts (SIGABRT, exit 134) when that
 *  fails, as it does with EIO on a hung-up terminal (nodejs/node#51519). A descriptor Node finds reopened on
 *  something else it skips, so each of 0–2 that was a terminal and no longer answers as one (isatty fails: EIO) is
 *  reopened on /dev/null here, and the exit code the run chose (75) stands. A live terminal is left to Node. */
export function releaseDeadTerminal(wasTty: [boolean, boolean, boolean]): void {
  for (const fd of [0, 1, 2]) {
    if (!wasTty[fd] || isatty(fd)) continue;
    try {
      if (!fstatSync(fd).isCharacterDevice()) continue;
      closeSync(fd);
      openSync('/dev/null', fd === 0 ? 'r' : 'w'); // the lowest free number: this fd again
    } catch { /* gone already: Node skips a closed descriptor too */ }
  }
}
