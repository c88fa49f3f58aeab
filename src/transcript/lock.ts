// One run per transcript: `run` and `resume` hold an exclusive flock(2) on the transcript for their whole life.
//
// Node has no flock(), so util-linux flock(1) takes it, on the very descriptor the transcript is written through
// (passed to it as fd 3), and exits. A flock belongs to the open file description, not to the process that took
// it: it stays held while our descriptor is open, and the kernel drops it when we close it or die in any way
// (kill -9 included) — nothing stale is ever left behind, and no long-lived helper can be killed separately.
// Two racing processes cannot both get it: the kernel decides. See docs/decisions.md ("One run per transcript").
import { spawnSync } from 'node:child_process';
import { existsSync, fstatSync, readdirSync, readFileSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { toolEnv } from '../secrets/credential-env.js';

/** flock(1)'s exit status when the lock is taken (chosen with -E). */
const BUSY = 75;

/** flock(1) from PATH, else where util-linux installs it: an operator's narrowed PATH must not stop a run. */
function flockBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(`${dir}/flock`)) return `${dir}/flock`;
  return ['/usr/bin/flock', '/bin/flock'].find((p) => existsSync(p)) ?? 'flock';
}

/** Locks the open transcript `fd` (nonblocking). Throws a one-line UserError naming the holder if another
 *  process has it. `lastWriter` names the pid the transcript itself says writes it (when /proc cannot tell). */
export function lockTranscript(fd: number, path: string, lastWriter?: () => number | undefined): void {
  const r = spawnSync(flockBinary(), ['--exclusive', '--nonblock', '--conflict-exit-code', String(BUSY), '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd], encoding: 'utf8', env: toolEnv(),
  });
  if (r.status === 0) return;
  if (r.status === BUSY) {
    const pid = lockHolder(fd) ?? lastWriter?.();
    const who = pid === undefined ? 'another runbook process' : `pid ${pid} on this host`;
    throw new UserError(`this run is still going (${who}): it holds the lock on ${path}; stop it first, or let it finish`);
  }
  const why = r.error ? (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'flock(1) is not installed (util-linux)' : r.error.message
    : (r.stderr.trim().split('\n').pop() ?? `flock exited ${r.status}`);
  throw new UserError(`cannot lock the transcript ${path}: ${why}; one run per transcript is guaranteed by that lock, so the run does not start`);
}

/** The process whose open descriptor holds a flock on the same file, from /proc/<pid>/fdinfo (Linux; only the
 *  processes we may inspect). undefined when it cannot be told. */
export function lockHolder(fd: number): number | undefined {
  let target: string;
  try {
    const st = fstatSync(fd);
    target = `${devText(st.dev)}:${st.ino} `;
  } catch {
    return undefined;
  }
  let pids: string[];
  try { pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid); } catch { return undefined; }
  for (const pid of pids) {
    let fds: string[];
    try { fds = readdirSync(`/proc/${pid}/fdinfo`); } catch { continue; }
    for (const f of fds) {
      let info: string;
      try { info = readFileSync(`/proc/${pid}/fdinfo/${f}`, 'utf8'); } catch { continue; }
      if (info.split('\n').some((l) => l.startsWith('lock:') && l.includes('FLOCK') && l.includes(target))) return Number(pid);
    }
  }
  return undefined;
}

/** A device number as /proc/locks and fdinfo print it: major:minor in hex, two digits at least. */
function devText(dev: number): string {
  const major = Number((BigInt(dev) >> 8n) & 0xfffn | ((BigInt(dev) >> 32n) & ~0xfffn));
  const minor = Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & ~0xffn));
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `${hex(major)}:${hex(minor)}`;
}
