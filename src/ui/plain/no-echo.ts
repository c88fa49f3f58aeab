// A secret answered in plain mode on a terminal: plain mode reads whole lines (the terminal's own line editing,
// Ctrl-C, Ctrl-D all keep working), so the terminal itself echoes what is typed or pasted. While a secret question
// is open, the terminal's echo is off (stty -echo on it: the kernel still edits the line, only shows nothing),
// and it comes back when the question closes, whatever closes it: an answer, the run moving on, an error, the
// process exiting (Ctrl-C included). Node also restores the terminal's settings from its start when it exits;
// after a kill -9, which runs no exit handler, the terminal guard does (ui/terminal-guard.ts).
import { spawnSync } from 'node:child_process';
import { toolEnv } from '../../secrets/credential-env.js';

type Input = { isTTY?: boolean; fd?: number };

/** Turns the echo of `input`'s terminal off; returns what turns it back on (idempotent). A stream that is no
 *  terminal (a pipe, a file) echoes nothing anyway: nothing is done. */
export function echoOff(input: Input, say: (line: string) => void): () => void {
  if (!input.isTTY || typeof input.fd !== 'number') return () => undefined;
  if (!stty(input.fd, '-echo')) {
    say('  (cannot turn the terminal\'s echo off: what you type will be visible)');
    return () => undefined;
  }
  let on = false;
  const restore = (): void => {
    if (on) return;
    on = true;
    process.removeListener('exit', restore);
    stty(input.fd!, 'echo');
  };
  process.once('exit', restore);
  return restore;
}

function stty(fd: number, setting: string): boolean {
  try {
    return spawnSync('stty', [setting], { stdio: [fd, 'ignore', 'ignore'], env: toolEnv(), timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}
