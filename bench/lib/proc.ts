// Timing child processes: to exit, or to the first output that matches. Every child is bounded in
// time (killed with its process group when it overruns) so a bench run always stops by itself.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface Timed { ms: number; code: number | null; output: string }

const DEFAULT_LIMIT_MS = 60_000;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Wall time from spawn to exit. Output is drained (and kept, up to 64 KiB, for error messages). */
export function timeToExit(cmd: string, args: string[], opts: SpawnOptions & { limitMs?: number } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    let output = '';
    const keep = (b: Buffer) => { if (output.length < 65536) output += b.toString('utf8'); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => { killGroup(child.pid); reject(new Error(`${cmd} ${args.join(' ')}: still running after ${opts.limitMs ?? DEFAULT_LIMIT_MS} ms`)); }, opts.limitMs ?? DEFAULT_LIMIT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      // Let the pipes finish so `output` is complete; the time is taken at exit.
      setImmediate(() => resolve({ ms, code, output }));
    });
  });
}

/**
 * Wall time from spawn until stdout (accumulated, ANSI escapes removed) matches `pattern`; the child's
 * process group is then killed. Rejects if the child exits or overruns first.
 */
export function timeToOutput(
  cmd: string, args: string[], pattern: RegExp, opts: SpawnOptions & { limitMs?: number } = {},
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, ...opts });
    let raw = '';
    let done = false;
    const finish = (f: () => void) => { if (done) return; done = true; clearTimeout(timer); f(); };
    const timer = setTimeout(() => finish(() => { killGroup(child.pid); reject(new Error(`no output matching ${pattern} within ${opts.limitMs ?? DEFAULT_LIMIT_MS} ms:\n${raw.slice(-2000)}`)); }), opts.limitMs ?? DEFAULT_LIMIT_MS);
    child.stdout?.on('data', (b: Buffer) => {
      if (done) return;
      raw += b.toString('utf8');
      if (pattern.test(stripAnsi(raw))) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        finish(() => {
          const done = () => resolve({ ms, code: null, output: raw });
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', done);
          killGroup(child.pid);
        });
      }
    });
    child.stderr?.on('data', (b: Buffer) => { if (!done && raw.length < 65536) raw += b.toString('utf8'); });
    child.on('error', (e) => finish(() => reject(e)));
    child.on('exit', (code) => finish(() => reject(new Error(`exited (${code}) before output matching ${pattern}:\n${stripAnsi(raw).slice(-2000)}`))));
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[()][0-9A-B]|\u001b[=>78]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** Runs `command` (a shell command line) on a pseudo-terminal via util-linux `script`. */
export function underPty(command: string): [string, string[]] {
  return ['script', ['-qfec', command, '/dev/null']];
}

export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
