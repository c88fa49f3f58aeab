// A real terminal for the UI tests and the docs screenshots: tmux on its own socket runs the CLI; the
// caller reads the screen and presses keys.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_START_MS, FIXTURES, ROOT, sleep, waitFor } from './helpers.js';
import { DWELL_MS } from '../../src/ui/ink/Pager.js';
import { RESIZE_QUIET_MS } from '../../src/ui/ink/use-terminal-size.js';
import { oneFrame, SCREEN_POLL_MS, TEST_SHELL } from '../hardening/tmux.js';
import { until } from '../helpers/poll.js';

export const TMUX = '/usr/bin/tmux';
export const hasTmux = existsSync(TMUX);

/** One tmux server per session (unique socket), killed afterwards. */
export class Terminal {
  readonly socket = `runbook-ui-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
  readonly file = join(this.dir, 'marker');
  private readonly exitFile = join(this.dir, 'exit');

  /** before: lines printed before the CLI starts (the operator's earlier terminal history). held: the CLI starts
   *  only at start(), so that recordRaw() sees every byte it writes. */
  constructor(fixture: string, extra: string[] = [], opts: { cols?: number; rows?: number; transcript?: boolean; env?: Record<string, string>; before?: string[]; held?: boolean } = {}) {
    const transcript = opts.transcript ? ['--transcript', join(this.dir, 'incident.jsonl')] : ['--no-transcript'];
    const args = ['run', join(FIXTURES, fixture), ...transcript, '-i', `file=${this.file}`, ...extra].map(quote).join(' ');
    // CI=true on purpose: an operator's shell may export it, and the live view must still draw every frame
    // (src/ui/ink/load-ink.ts).
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => quote(`${k}=${v}`)).join(' ');
    const hold = opts.held ? `until [ -e ${quote(join(this.dir, 'start'))} ]; do sleep 0.05; done; ` : '';
    const before = opts.before?.length ? `printf '%s\\n' ${opts.before.map(quote).join(' ')}; ` : '';
    // The exit line goes to the terminal too: the shell's next output must start on a line of its own.
    const command = `${TEST_SHELL}${hold}${before}cd ${quote(ROOT)} && env CI=true NO_COLOR=1 ${env} ${quote(process.execPath)} bin/runbook.js ${args}; e=$?; echo EXIT=$e > ${quote(this.exitFile)}; echo "EXIT=$e"; sleep 600`;
    this.tmux('new-session', '-d', '-x', String(opts.cols ?? 100), '-y', String(opts.rows ?? 40), '-s', 'ui', command);
  }

  tmux(...args: string[]): string {
    return execFileSync(TMUX, ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  screen(): string { return this.tmux('capture-pane', '-p', '-t', 'ui'); }
  /** Screen and scrollback together. */
  history(): string { return this.tmux('capture-pane', '-p', '-S', '-', '-t', 'ui'); }
  /** From now on every byte the program writes is appended to the returned file. */
  recordRaw(): string {
    const file = join(this.dir, 'raw');
    this.tmux('pipe-pane', '-o', '-t', 'ui', `cat >> ${quote(file)}`);
    return file;
  }
  keys(...keys: string[]): void { this.tmux('send-keys', '-t', 'ui', ...keys); }
  /** A held terminal (opts.held) starts its CLI now. */
  start(): void { writeFileSync(join(this.dir, 'start'), ''); }
  resize(cols: number, rows: number): void { this.tmux('resize-window', '-t', 'ui', '-x', String(cols), '-y', String(rows)); this.resizedAt = Date.now(); }
  private resizedAt = 0;
  /** Until a resize has settled: the gate takes no yes, and the pager counts no page, within RESIZE_QUIET_MS of one. */
  async settled(): Promise<void> { await sleep(Math.max(0, this.resizedAt + RESIZE_QUIET_MS + 100 - Date.now())); }
  /** The default is a hang guard that also covers the CLI starting in the pane (issue #20). */
  async until(text: string | RegExp, timeoutMs = CLI_START_MS): Promise<string> {
    const hit = (screen: string) => (typeof text === 'string' ? screen.includes(text) : text.test(screen));
    // Each look at the screen starts a tmux client: every 50 ms, not waitFor's 10 (CPU the suite needs elsewhere).
    await until(() => hit(this.screen()), timeoutMs, `${typeof text === 'string' ? `"${text}"` : String(text)} on screen:\n${this.screen()}`, SCREEN_POLL_MS);
    return oneFrame(this.screen());
  }
  /** Reads the whole confirmation to its last line in its view (c, or F2 at a high-risk gate) and goes back to the
   *  gate: a gate part of which is off screen takes y only after that (docs/terminal-ui.md). */
  async readAll(key = 'c'): Promise<string[]> {
    await this.settled();
    this.keys(key);
    const pages = [await this.until('the whole confirmation of')];
    for (let i = 0; i < 100; i++) {
      // A page counts as read once it has stayed on screen DWELL_MS (src/ui/ink/Pager.tsx).
      await sleep(DWELL_MS + 100);
      const where = /lines (\d+)–(\d+) of (\d+)/.exec(pages[pages.length - 1]!);
      if (!where || where[2] === where[3]) break;
      this.keys('NPage');
      pages.push(await this.until(new RegExp(`lines \\d+–(?!${where[2]} )\\d+ of ${where[3]}`)));
    }
    this.keys('Escape');
    return pages;
  }
  async exitCode(timeoutMs = CLI_START_MS): Promise<number> {
    const line = await waitFor(() => existsSync(this.exitFile) && readFileSync(this.exitFile, 'utf8').trim(), 'the run to exit', timeoutMs);
    return Number(line.replace('EXIT=', ''));
  }
  close(): void {
    try { this.tmux('kill-server'); } catch { /* already gone */ }
    // kill-server leaves the socket file behind.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

