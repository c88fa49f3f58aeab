// The operator's terminal: the ink UI when both ends are terminals, one line per event otherwise.
// ink and React are imported only on the ink path: plain mode and other commands never pay for them.
import type { Run } from '../engine/run.js';
import type { RunbookDoc } from '../language/schema.js';
import { termCanDraw } from './term-kind.js';
import { termColors, utf8Locale } from './term-caps.js';
import { terminalText } from '../common/terminal-text.js';
import { oneLine } from './format.js';
import { guardTerminal, type TerminalGuard } from './terminal-guard.js';
import type { TeamFeed } from './team-feed.js';

export interface UIOptions {
  mode: 'ink' | 'plain';
  approve: string[];            // plain mode: destructive steps approved by id (--approve)
  yes: boolean;                 // plain mode: every destructive step approved (--yes)
  dryRun: boolean;
  transcriptPath?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  color?: boolean;              // default: NO_COLOR unset, stdout a TTY, and terminfo gives the terminal colours
  ascii?: boolean;              // default: the locale's character set is not UTF-8 (term-caps.ts)
  doc?: RunbookDoc;             // the runbook: lets the UI list steps not reached yet and show their descriptions
  timestamps?: boolean;         // plain mode: prefix each line with the time
  env?: NodeJS.ProcessEnv;      // default process.env: $TERM decides whether the ink UI can draw
  team?: TeamFeed;              // the team store's state and notices (cli/team-store.ts, cli/four-eyes-gate.ts)
}

export interface UIHandle {
  /** Resolves after the final frame is flushed and the terminal restored. Never rejects. */
  done: Promise<void>;
  /** Tears the UI down now (e.g. the run threw): restores the terminal; resolves like `done`. */
  close(): Promise<void>;
}

export async function attachUI(run: Run, opts: UIOptions): Promise<UIHandle> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const env = opts.env ?? process.env;
  // Chosen once, here: what the terminal can show does not change during a run.
  const color = opts.color ?? colorAllowed(stdout, env);
  const ascii = opts.ascii ?? !utf8Locale(env);
  // ink's useInput needs raw mode: without a terminal on both ends, fall back to plain. A terminal that
  // cannot move the cursor (TERM=dumb, unset, unknown) would show every redraw as new lines: plain too.
  const terminals = opts.mode === 'ink' && stdin.isTTY === true && stdout.isTTY === true;
  // Before anything changes the terminal: its settings as the operator had them, kept outside this process.
  const guard = guardTerminal(stdin, stdout);
  if (terminals && termCanDraw(env)) {
    const { withoutCiFlags } = await import('./ink/load-ink.js');
    const { mountInk } = await withoutCiFlags(() => import('./ink/mount.js'));
    return released(mountInk(run, { ...opts, stdout, stdin, color, ascii, guard }), guard);
  }
  if (terminals) stdout.write(`${dumbTermNotice(env.TERM)}\n`);
  // A terminal on stdin but not on stdout (`runbook run … | tee log`): the operator is there, so say why the
  // terminal UI is not. One line, on stderr too when that is the terminal (stdout goes to the pipe and the log).
  else if (opts.mode === 'ink' && stdin.isTTY === true && stdout.isTTY !== true) stdout.write(`${pipedNotice()}\n`);
  const { attachPlain } = await import('./plain/plain-ui.js');
  // Plain lines going to a file or a pipe keep their characters: whoever reads the log reads it in their locale.
  return released(attachPlain(run, { ...opts, stdout, stdin, color, ascii: ascii && stdout.isTTY === true }), guard);
}

/** The guardian is released once the UI has restored the terminal itself. */
function released(handle: UIHandle, guard: TerminalGuard): UIHandle {
  const done = handle.done.finally(() => guard.release());
  return { done, close: () => handle.close().finally(() => guard.release()) };
}

/** Why a terminal got plain mode, and what that means for its gates (plain mode never asks: flags approve). */
export function dumbTermNotice(term: string | undefined): string {
  const which = term?.trim() ? `TERM=${terminalText(oneLine(term))}` : 'TERM not set';
  return `plain mode: this terminal (${which}) cannot draw the terminal UI; destructive steps need --approve ID or --yes (or set TERM, e.g. TERM=xterm-256color)`;
}

/** Why a run from a terminal got plain mode when its output is piped. */
export function pipedNotice(): string {
  return 'plain mode: the output is not a terminal (piped, e.g. to tee), so the terminal UI cannot draw; destructive steps need --approve ID or --yes (or run without the pipe)';
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off; so does output that is not a terminal, and a
 *  terminal that cannot draw (TERM=dumb, unset or unknown: term-kind.ts), which shows escape codes as text. */
export function colorAllowed(stdout: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  // terminfo's `colors` (xterm-mono: -1): a terminal that has none gets none. Not known (no tput): as before.
  return stdout.isTTY === true && termCanDraw(env) && (termColors(env) ?? 8) > 0;
}
