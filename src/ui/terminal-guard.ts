// A run changes the operator's terminal: raw mode (the terminal UI), echo off (a secret question in plain mode),
// the alternate screen, a hidden cursor. Node puts them back on every exit it sees, but a kill -9, the OOM
// killer or a crash in native code runs no exit handler, and the operator is left typing blind on a blank
// screen. So a guardian outside the process holds the terminal's settings from before the run. It waits on a
// pipe that only this process writes: told 'd' (done), it leaves quietly; if the pipe closes without it (the
// process died), it puts the settings back, leaves the alternate screen if the view was on it, and shows the
// cursor. It runs in a session of its own, so Ctrl-C or a hang-up that reaches the run does not reach it.
import { spawn, spawnSync } from 'node:child_process';
import type { Writable } from 'node:stream';
import { toolEnv } from '../secrets/credential-env.js';

type Tty = { isTTY?: boolean; fd?: number };

export interface TerminalGuard {
  /** The view entered (true) or left (false) the alternate screen. */
  alternate(on: boolean): void;
  /** The run gave the terminal back itself: the guardian leaves without touching it. Idempotent. */
  release(): void;
}

const GUARDIAN = [
  'alt=0',
  'while IFS= read -r -n 1 -u 3 c; do case $c in a) alt=1 ;; n) alt=0 ;; d) exit 0 ;; esac; done',
  'stty "$1" 2>/dev/null',
  'if [ "$alt" = 1 ]; then printf \'\\033[?1049l\'; fi',
  'printf \'\\033[?25h\'',
].join('\n');

const NONE: TerminalGuard = { alternate: () => undefined, release: () => undefined };

/** Starts the guardian for the terminal on `stdin` (and `stdout`, where the escapes go, if it is a terminal:
 *  plain mode piped to a file still turns the echo off at a secret question). Nothing is done, and nothing
 *  fails, when stdin is not a terminal or its settings cannot be read. */
export function guardTerminal(stdin: Tty, stdout: Tty): TerminalGuard {
  if (!stdin.isTTY || typeof stdin.fd !== 'number') return NONE;
  const screen = stdout.isTTY && typeof stdout.fd === 'number' ? stdout.fd : 'ignore';
  let pipe: Writable;
  try {
    const saved = spawnSync('stty', ['-g'], { stdio: [stdin.fd, 'pipe', 'ignore'], env: toolEnv(), encoding: 'utf8', timeout: 5000 });
    const settings = saved.status === 0 ? saved.stdout.trim() : '';
    if (!settings) return NONE;
    const child = spawn('bash', ['-c', GUARDIAN, 'runbook-terminal-guard', settings], {
      stdio: [stdin.fd, screen, 'ignore', 'pipe'], detached: true, env: toolEnv(),
    });
    child.on('error', () => undefined);
    child.unref();
    pipe = child.stdio[3] as Writable;
    pipe.on('error', () => undefined); // the guardian is gone: nothing left to tell it
    (pipe as Writable & { unref?: () => void }).unref?.();
  } catch {
    return NONE;
  }
  let released = false;
  const tell = (c: string): void => { if (!released) { try { pipe.write(c); } catch { /* gone */ } } };
  return {
    alternate: (on) => tell(on ? 'a' : 'n'),
    release: () => { tell('d'); released = true; try { pipe.end(); } catch { /* gone */ } },
  };
}
