// A real terminal for the CLI: tmux on its own socket (-L), the screen read back, keys sent. The node process
// under the pane can be found and killed like any other.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, descendants, until } from './helpers.js';

export const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find(existsSync);

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell prefix giving the pane the test's own SHELL: tmux sets SHELL in every pane it opens, and a run started
 *  there and resumed outside would be refused for it (SHELL may choose a program: not a session variable). */
export const TEST_SHELL = process.env.SHELL ? `export SHELL=${q(process.env.SHELL)}; ` : 'unset SHELL; ';

/** The screen shows one frame: the header line once. Stale frames left by a renderer that lost track of the
 *  cursor (issue #20) show the header again and again, with text the UI no longer holds. */
export function oneFrame(screen: string): string {
  const headers = screen.split('\n').filter((l) => l.startsWith('runbook ')).length;
  if (headers > 1) throw new Error(`the screen holds ${headers} frames, not one:\n${screen}`);
  return screen;
}

/** How often a wait looks at the screen: each look starts a tmux client (a process), so not as often as a
 *  wait on something in this process. */
export const SCREEN_POLL_MS = 50;

export class Tmux {
  readonly socket = `runbook-hardening-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly exitFile: string;

  /** before: lines printed before the CLI starts (the operator's history); term: $TERM for the CLI; piped: its
   *  output goes through `| cat` (stdin stays the terminal), its exit status kept (pipefail); color: NO_COLOR is not
   *  set (the CLI decides). */
  constructor(dir: string, args: string[], opts: { before?: string[]; term?: string; piped?: boolean; color?: boolean; cols?: number; rows?: number; env?: Record<string, string> } = {}) {
    this.exitFile = join(dir, `exit-${this.socket}`);
    const before = opts.before?.length ? `printf '%s\\n' ${opts.before.map(q).join(' ')}; ` : '';
    const term = opts.term ? `TERM=${q(opts.term)} ` : '';
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${q(v)} `).join('');
    // CI=1 makes ink print only the last frame; the test reads every frame.
    const command = `${TEST_SHELL}${opts.piped ? 'set -o pipefail; ' : ''}${before}cd ${q(ROOT)} && env -u CI ${opts.color ? '-u NO_COLOR' : 'NO_COLOR=1'} ${term}${env}${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}${opts.piped ? ' | cat' : ''}; echo $? > ${q(this.exitFile)}; sleep 600`;
    this.tmux('new-session', '-d', '-x', String(opts.cols ?? 120), '-y', String(opts.rows ?? 45), '-s', 'main', command);
  }

  tmux(...args: string[]): string { return execFileSync(TMUX!, ['-L', this.socket, ...args], { encoding: 'utf8' }); }
  screen(): string { return this.tmux('capture-pane', '-p', '-t', 'main'); }
  /** Screen and scrollback, with colours and attributes as escape sequences (tmux's capture-pane -e). */
  styled(): string { return this.tmux('capture-pane', '-p', '-e', '-S', '-', '-t', 'main'); }
  /** Screen and scrollback. */
  history(): string { return this.tmux('capture-pane', '-p', '-S', '-', '-t', 'main'); }
  keys(...keys: string[]): void { this.tmux('send-keys', '-t', 'main', ...keys); }
  text(s: string): void { this.tmux('send-keys', '-t', 'main', '-l', s); }
  /** Hang guards (issue #20): they also cover the CLI starting in the pane, ~0.5 s idle; 60 s is ≥ 100× that. */
  until(text: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const hit = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
    return until(() => { const s = this.screen(); return hit(s) ? s : undefined; }, timeoutMs, `${String(text)} on screen`, SCREEN_POLL_MS).then(oneFrame, (e: Error) => {
      throw new Error(`${e.message}; the screen:\n${this.screen()}`);
    });
  }
  exitCode(timeoutMs = 60_000): Promise<number> {
    return until(() => existsSync(this.exitFile) && readFileSync(this.exitFile, 'utf8').trim(), timeoutMs, 'the CLI to exit').then(Number);
  }
  /** The runbook process (node) under the pane's shell. */
  nodePid(): number {
    const shell = Number(this.tmux('list-panes', '-t', 'main', '-F', '#{pane_pid}').trim());
    const pid = descendants(shell).find((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(BIN); } catch { return false; } });
    if (!pid) throw new Error('no runbook process under the pane');
    return pid;
  }
  close(): void {
    try { this.tmux('kill-server'); } catch { /* already gone */ }
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}
